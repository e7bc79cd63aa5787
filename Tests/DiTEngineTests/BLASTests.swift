import Foundation
import XCTest
@testable import DiTEngine

final class BLASTests: XCTestCase {
    // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]] (by hand).
    func testMatmulPlain() {
        let a = Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let b = Tensor(shape: [2, 2], values: [5, 6, 7, 8])
        XCTAssertEqual(BLAS.matmul(a, b).scalars, [19, 22, 43, 50])
    }

    // A[2×3] · Bᵀ with B stored [2, 3] as a torch Linear weight [out, in]:
    // [[1,2,3],[4,5,6]] · [[1,0,1],[0,1,0]]ᵀ = [[4,2],[10,5]].
    func testMatmulTransposedB() {
        let a = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let w = Tensor(shape: [2, 3], values: [1, 0, 1, 0, 1, 0])
        XCTAssertEqual(BLAS.matmul(a, w, transB: true).scalars, [4, 2, 10, 5])
    }

    // Aᵀ with A stored [3, 2]: [[1,4],[2,5],[3,6]]ᵀ · [[1],[1],[1]] = [[6],[15]].
    func testMatmulTransposedA() {
        let a = Tensor(shape: [3, 2], values: [1, 4, 2, 5, 3, 6])
        let ones = Tensor(shape: [3, 1], repeating: 1)
        XCTAssertEqual(BLAS.matmul(a, ones, transA: true).scalars, [6, 15])
    }

    // Two 1×1 "heads" with alpha 2 and beta 1 accumulating into C = [10, 20]:
    // C_0 = 2·(1·3) + 10 = 16, C_1 = 2·(2·4) + 20 = 36.
    func testStridedBatchedWithAlphaBeta() {
        let a: [Float] = [1, 2], b: [Float] = [3, 4]
        var c: [Float] = [10, 20]
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemmStridedBatched(m: 1, n: 1, k: 1, alpha: 2,
                                             a: pa.baseAddress!, lda: 1, strideA: 1,
                                             b: pb.baseAddress!, ldb: 1, strideB: 1,
                                             beta: 1, c: pc.baseAddress!, ldc: 1, strideC: 1,
                                             batchCount: 2)
                }
            }
        }
        XCTAssertEqual(c, [16, 36])
    }

    // [[1,2,3],[4,5,6]]ᵀ = [[1,4],[2,5],[3,6]] (by hand).
    func testTranspose() {
        let source: [Float] = [1, 2, 3, 4, 5, 6]
        var target = [Float](repeating: 0, count: 6)
        source.withUnsafeBufferPointer { s in
            target.withUnsafeMutableBufferPointer { BLAS.transpose(rows: 2, columns: 3, source: s.baseAddress!, target: $0.baseAddress!) }
        }
        XCTAssertEqual(target, [1, 4, 2, 5, 3, 6])
    }

    /// After kernel selection the core is a real one, never an unrecognised-CPU fallback when the
    /// CPU has AVX2 (the selection only acts on DYNAMIC_ARCH OpenBLAS; elsewhere it is a no-op).
    func testKernelSelectionLeavesAUsableCore() {
        let core = BLAS.selectKernelsForThisCPU()
        XCTAssertFalse(core.isEmpty)
        if BLAS.preferredCoreType() != nil && ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil {
            XCTAssertNotEqual(core.lowercased(), "prescott")
        }
        XCTAssertEqual(BLAS.matmul(Tensor(shape: [1, 1], values: [2]), Tensor(shape: [1, 1], values: [3])).scalars, [6])
    }

    func testThreadCountRoundTrips() {
        let before = BLAS.threads
        BLAS.setThreads(1)
        XCTAssertEqual(BLAS.threads, 1)
        BLAS.setThreads(before)
    }
}
