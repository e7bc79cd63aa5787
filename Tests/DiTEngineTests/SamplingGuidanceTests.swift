import XCTest
@testable import DiTEngine

final class SamplingGuidanceTests: XCTestCase {
    /// v = x + pooled[0]: the prompt (pooled 2) gives x + 2, the negative (pooled −1) gives x − 1.
    private func model() -> ClosureVelocityModel {
        ClosureVelocityModel { x, _, pooled in
            var v = x
            v.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] += pooled[0] } }
            return v
        }
    }

    func testGuidedVelocityIsUncondPlusScaleTimesDifference() throws {
        let m = model()
        let x = Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4])
        let v = try SamplingFixtures.guidance(scale: 5).velocity(model: m, x: x, timestep: 500)
        // v_u = x − 1, v_c = x + 2 → v_u + 5·(v_c − v_u) = x − 1 + 15 = x + 14
        XCTAssertEqual(v.scalars, [15, 16, 17, 18])
        XCTAssertEqual(v.shape, [1, 1, 2, 2])
        // One batched call of two, same timestep for both.
        XCTAssertEqual(m.calls, [ClosureVelocityModel.Call(batch: 2, timesteps: [500, 500])])
    }

    func testBatchOrderIsUnconditionalThenConditional() {
        let guidance = SamplingFixtures.guidance(scale: 4)
        XCTAssertEqual(guidance.branches, .both)
        XCTAssertEqual(guidance.pooled.shape, [2, 1])
        XCTAssertEqual(guidance.pooled.scalars, [-1, 2])
        XCTAssertEqual(guidance.context.shape, [2, 3, 2])
        XCTAssertEqual(guidance.context.scalars, [Float](repeating: 0, count: 6) + [Float](repeating: 1, count: 6))
    }

    func testScaleOneRunsOnlyTheConditionalBranch() throws {
        let m = model()
        let v = try SamplingFixtures.guidance(scale: 1).velocity(model: m, x: Tensor(shape: [1, 1, 1, 2], values: [0, 1]), timestep: 10)
        XCTAssertEqual(v.scalars, [2, 3])
        XCTAssertEqual(m.calls, [ClosureVelocityModel.Call(batch: 1, timesteps: [10])])
    }

    func testScaleZeroRunsOnlyTheUnconditionalBranch() throws {
        let m = model()
        let v = try SamplingFixtures.guidance(scale: 0).velocity(model: m, x: Tensor(shape: [1, 1, 1, 2], values: [0, 1]), timestep: 10)
        XCTAssertEqual(v.scalars, [-1, 0])
        XCTAssertEqual(m.calls.map(\.batch), [1])
    }

    func testCombineArithmetic() {
        let u = Tensor(shape: [1, 3], values: [1, -2, 0.5])
        let c = Tensor(shape: [1, 3], values: [3, 2, 0.5])
        XCTAssertEqual(ClassifierFreeGuidance.combine(unconditional: u, conditional: c, scale: 2.5).scalars, [6, 8, 0.5])
        XCTAssertEqual(ClassifierFreeGuidance.combine(unconditional: u, conditional: c, scale: 0.5).scalars, [2, 0, 0.5])
    }
}
