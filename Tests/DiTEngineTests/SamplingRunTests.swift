import XCTest
@testable import DiTEngine

final class SamplingRunTests: XCTestCase {
    private func makeRun(model: ClosureVelocityModel, steps: Int = 4, sampler: any Sampler = EulerSampler()) -> GenerationRun {
        GenerationRun(model: model, guidance: SamplingFixtures.guidance(scale: 3),
                      noise: Tensor(shape: [1, 1, 2, 2], values: [1, -1, 0.5, 2]),
                      schedule: FlowMatchSchedule(steps: steps, shift: 3), sampler: sampler)
    }

    func testCallerCanStopBetweenStepsAndResume() throws {
        let full = makeRun(model: SamplingFixtures.towards([0, 0, 1, 1]))
        try full.run()

        let model = SamplingFixtures.towards([0, 0, 1, 1])
        let run = makeRun(model: model)
        let taken = try run.run { $0.index < 1 }  // stop after the second step
        XCTAssertEqual(taken, 2)
        XCTAssertEqual(run.completedSteps, 2)
        XCTAssertFalse(run.isFinished)
        XCTAssertEqual(model.calls.count, 2, "no model call after the caller stopped")

        let third = try XCTUnwrap(run.nextStep())
        XCTAssertEqual(third.index, 2)
        XCTAssertEqual(third.total, 4)
        XCTAssertEqual(third.sigma, run.schedule.sigmas[2])
        XCTAssertEqual(third.nextSigma, run.schedule.sigmas[3])
        XCTAssertFalse(third.isLast)
        let last = try XCTUnwrap(run.nextStep())
        XCTAssertTrue(last.isLast)
        XCTAssertNil(try run.nextStep())
        XCTAssertTrue(run.isFinished)
        XCTAssertEqual(run.sample.scalars, full.sample.scalars, "stopping and resuming changes nothing")
        XCTAssertEqual(last.sample.scalars, run.sample.scalars)
    }

    func testPredictedCleanIsSampleMinusSigmaTimesVelocity() throws {
        let run = makeRun(model: SamplingFixtures.towards([0, 0, 0, 0]))  // guided v = x (both branches equal)
        let noise = run.sample
        let first = try XCTUnwrap(run.nextStep())
        XCTAssertEqual(first.sigma, 1)
        // x₀ = x − 1·x = 0
        XCTAssertEqual(first.predictedClean.scalars, [0, 0, 0, 0])
        let second = try XCTUnwrap(run.nextStep())
        let x1 = noise.scalars.map { $0 + (run.schedule.sigmas[1] - 1) * $0 }
        XCTAssertEqual(second.predictedClean.scalars, x1.map { $0 - run.schedule.sigmas[1] * $0 })
    }

    func testNonFiniteModelOutputThrowsNamingTheStep() throws {
        var count = 0
        let model = ClosureVelocityModel { x, _, _ in
            count += 1
            return count >= 5 ? x * .nan : x  // batched CFG: 2 items per step, so the 3rd step fails
        }
        let run = makeRun(model: model)
        XCTAssertNotNil(try run.nextStep())
        XCTAssertNotNil(try run.nextStep())
        XCTAssertThrowsError(try run.nextStep()) { error in
            XCTAssertEqual(error as? GenerationError, .nonFiniteValue(step: 3, total: 4, stage: "model output"))
            XCTAssertTrue("\(error)".hasPrefix("step 3 of 4:"))
        }
        XCTAssertTrue(run.isFinished)
        XCTAssertEqual(run.completedSteps, 2)
        XCTAssertThrowsError(try run.nextStep(), "a failed run stays failed")
    }

    func testOverflowingSampleIsDetected() throws {
        // A finite velocity −3e38 from a sample 3e38 with dt = −1 overflows the sample to +∞.
        let model = ClosureVelocityModel { x, _, _ in x * -1 }
        let run = GenerationRun(model: model, guidance: SamplingFixtures.guidance(scale: 3),
                                noise: Tensor(shape: [1, 1, 1, 1], values: [3e38]),
                                schedule: FlowMatchSchedule(steps: 1, shift: 3), sampler: EulerSampler())
        XCTAssertThrowsError(try run.nextStep()) { error in
            XCTAssertEqual(error as? GenerationError, .nonFiniteValue(step: 1, total: 1, stage: "sample"))
        }
    }

    func testTotalEvaluations() {
        XCTAssertEqual(makeRun(model: SamplingFixtures.towards([0, 0, 0, 0]), steps: 6).totalEvaluations, 6)
        XCTAssertEqual(makeRun(model: SamplingFixtures.towards([0, 0, 0, 0]), steps: 6, sampler: HeunSampler()).totalEvaluations, 11)
    }
}

// MARK: - Test doubles shared by the Sampling*Tests and Pipeline*Tests files


/// A velocity model given by a closure over one batch item, recording every call.
final class ClosureVelocityModel: VelocityModel {
    struct Call: Equatable {
        var batch: Int
        var timesteps: [Float]
    }

    private(set) var calls: [Call] = []
    /// (x item [1,C,H,W], timestep, pooled item [P]) → velocity item.
    let field: (Tensor, Float, [Float]) -> Tensor

    init(field: @escaping (Tensor, Float, [Float]) -> Tensor) {
        self.field = field
    }

    func velocity(x: Tensor, timesteps: [Float], context: Tensor, pooled: Tensor,
                  forward: ForwardContext) throws -> Tensor {
        let batch = x.shape[0]
        precondition(timesteps.count == batch && context.shape[0] == batch && pooled.shape[0] == batch)
        calls.append(Call(batch: batch, timesteps: timesteps))
        let parts = (0..<batch).map { item in
            field(x.slice(item..<(item + 1)), timesteps[item], pooled.slice(item..<(item + 1)).scalars)
        }
        return Tensor.concatenate(parts)
    }
}

enum SamplingFixtures {
    /// Conditioning whose pooled vector tells the branches apart: 2 for the prompt, −1 for the negative.
    static func guidance(scale: Float) -> ClassifierFreeGuidance {
        ClassifierFreeGuidance(scale: scale,
                               conditionalContext: Tensor(shape: [3, 2], repeating: 1),
                               conditionalPooled: Tensor(shape: [1], values: [2]),
                               unconditionalContext: Tensor(shape: [3, 2], repeating: 0),
                               unconditionalPooled: Tensor(shape: [1], values: [-1]))
    }

    /// `v = x − target`, independent of the conditioning.
    static func towards(_ target: [Float]) -> ClosureVelocityModel {
        ClosureVelocityModel { x, _, _ in
            x - Tensor(shape: x.shape, values: target)
        }
    }
}
