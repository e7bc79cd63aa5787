import XCTest
@testable import DiTEngine

final class TensorTests: XCTestCase {
    func testZerosShapeAndCount() {
        let t = Tensor(shape: [2, 3, 4])
        XCTAssertEqual(t.count, 24)
        XCTAssertEqual(t.rank, 3)
        XCTAssertEqual(t.scalars, [Float](repeating: 0, count: 24))
    }

    func testRowMajorIndexing() {
        let t = Tensor(shape: [2, 3], values: [0, 1, 2, 10, 11, 12])
        XCTAssertEqual(t[1, 2], 12)
        XCTAssertEqual(t[0, 1], 1)
        XCTAssertEqual(t.flatIndex([1, 0]), 3)
    }

    func testCopyOnWriteKeepsOriginal() {
        let a = Tensor(shape: [3], values: [1, 2, 3])
        var b = a
        b[flat: 0] = 9
        XCTAssertEqual(a.scalars, [1, 2, 3])
        XCTAssertEqual(b.scalars, [9, 2, 3])
        var c = a.reshaped([1, 3])
        c.withUnsafeMutableBufferPointer { $0[2] = -1 }
        XCTAssertEqual(a.scalars, [1, 2, 3])
        XCTAssertEqual(c.shape, [1, 3])
        XCTAssertEqual(c.scalars, [1, 2, -1])
    }

    func testStorageIsAligned() {
        let t = Tensor(shape: [7])
        t.withUnsafeBufferPointer { XCTAssertEqual(Int(bitPattern: $0.baseAddress!) % 64, 0) }
    }

    func testResizeReusesLargeEnoughStorage() {
        var t = Tensor(shape: [4, 4])
        let before = t.withUnsafeBufferPointer { $0.baseAddress! }
        t.resize(to: [2, 3])
        XCTAssertEqual(t.shape, [2, 3])
        XCTAssertEqual(t.count, 6)
        XCTAssertEqual(t.withUnsafeBufferPointer { $0.baseAddress! }, before)
        t.resize(to: [5, 5])
        XCTAssertEqual(t.count, 25)
    }

    func testArithmeticAndGuidance() {
        let u = Tensor(shape: [2], values: [1, 2])
        let c = Tensor(shape: [2], values: [3, 6])
        XCTAssertEqual((u + c).scalars, [4, 8])
        XCTAssertEqual((c - u).scalars, [2, 4])
        XCTAssertEqual((u * 2).scalars, [2, 4])
        // uncond + 4·(cond − uncond) = [1 + 8, 2 + 16]
        XCTAssertEqual(Tensor.lerp(u, c, 4).scalars, [9, 18])
        var x = u
        x.add(c, scaledBy: -0.5)
        XCTAssertEqual(x.scalars, [-0.5, -1])
    }

    func testSliceAndConcatenate() {
        let a = Tensor(shape: [1, 2], values: [1, 2])
        let b = Tensor(shape: [2, 2], values: [3, 4, 5, 6])
        let joined = Tensor.concatenate([a, b])
        XCTAssertEqual(joined.shape, [3, 2])
        XCTAssertEqual(joined.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(joined.slice(1..<2).scalars, [3, 4])
        XCTAssertEqual(joined.slice(1..<2).shape, [1, 2])
    }

    func testFiniteCheck() {
        XCTAssertTrue(Tensor(shape: [3], values: [1, -2, 0]).isFinite)
        XCTAssertFalse(Tensor(shape: [3], values: [1, .nan, 0]).isFinite)
        XCTAssertFalse(Tensor(shape: [2], values: [.infinity, 0]).isFinite)
    }
}
