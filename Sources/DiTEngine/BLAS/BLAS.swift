import CBLAS

/// The engine's only door to OpenBLAS: single-precision matrix products and the thread count.
///
/// All matrices are row-major. `transA`/`transB` say whether the stored matrix is used transposed
/// (e.g. a torch `Linear` weight stored `[out, in]` is used as `Wᵀ`, so `transB: true`).
/// Leading dimensions are the row strides of the *stored* matrices, as in CBLAS.
public enum BLAS {
    /// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`.
    @inlinable
    public static func sgemm(transA: Bool = false, transB: Bool = false,
                             m: Int, n: Int, k: Int,
                             alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0,
                             c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // op(A)·op(B) is the zero matrix; only the beta scaling remains (BLAS may skip it).
            for row in 0..<m {
                let r = c + row * ldc
                for col in 0..<n { r[col] = beta == 0 ? 0 : beta * r[col] }
            }
            return
        }
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// `batchCount` independent products `C_i = alpha · op(A_i) · op(B_i) + beta · C_i`, where
    /// matrix `i` starts `i · stride` floats after the first (attention heads, batch items).
    @inlinable
    public static func sgemmStridedBatched(transA: Bool = false, transB: Bool = false,
                                           m: Int, n: Int, k: Int,
                                           alpha: Float = 1,
                                           a: UnsafePointer<Float>, lda: Int, strideA: Int,
                                           b: UnsafePointer<Float>, ldb: Int, strideB: Int,
                                           beta: Float = 0,
                                           c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
                                           batchCount: Int) {
        for i in 0..<batchCount {
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                  a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
                  beta: beta, c: c + i * strideC, ldc: ldc)
        }
    }

    /// The matrix product of two rank-2 tensors, `op(a) · op(b)` (convenience for tests and glue).
    public static func matmul(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs rank-2 tensors, got \(a.shape) and \(b.shape)")
        let m = transA ? a.shape[1] : a.shape[0]
        let k = transA ? a.shape[0] : a.shape[1]
        let kB = transB ? b.shape[1] : b.shape[0]
        let n = transB ? b.shape[0] : b.shape[1]
        precondition(k == kB, "matmul: inner extents differ (\(a.shape)\(transA ? "ᵀ" : "") · \(b.shape)\(transB ? "ᵀ" : ""))")
        var result = Tensor(shape: [m, n])
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                result.withUnsafeMutableBufferPointer { pc in
                    sgemm(transA: transA, transB: transB, m: m, n: n, k: k,
                          a: pa.baseAddress!, lda: a.shape[1],
                          b: pb.baseAddress!, ldb: b.shape[1],
                          c: pc.baseAddress!, ldc: n)
                }
            }
        }
        return result
    }

    /// `y = alpha · op(A)[m×n] · x + beta · y` (one row of tokens through a weight matrix).
    @inlinable
    public static func sgemv(transA: Bool = false, m: Int, n: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int,
                             x: UnsafePointer<Float>, beta: Float = 0,
                             y: UnsafeMutablePointer<Float>) {
        guard m > 0, n > 0 else { return }
        cblas_sgemv(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, Int32(m), Int32(n),
                    alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// The number of threads OpenBLAS uses for one product.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses (process-wide; call before work starts).
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
