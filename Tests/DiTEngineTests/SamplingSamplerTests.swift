import XCTest
@testable import DiTEngine

/// Euler and Heun on `v = x − target`, whose exact flow is `x(σ) − target = e^(σ−1)·(x(1) − target)`.
final class SamplingSamplerTests: XCTestCase {
    private let start: [Float] = [1.0, -2.0, 0.5, 3.0]
    private let target: [Float] = [0.5, -0.25, 2.0, 0.0]

    private func integrate(_ kind: SamplerKind, steps: Int, shift: Double) throws -> (Tensor, ClosureVelocityModel) {
        let model = SamplingFixtures.towards(target)
        let run = GenerationRun(model: model, guidance: SamplingFixtures.guidance(scale: 1),
                                noise: Tensor(shape: [1, 1, 2, 2], values: start),
                                schedule: FlowMatchSchedule(steps: steps, shift: shift), sampler: kind.makeSampler())
        try run.run()
        return (run.sample, model)
    }

    // import torch, numpy as np; from diffusers import FlowMatchEulerDiscreteScheduler, FlowMatchHeunDiscreteScheduler
    // target=torch.tensor([0.5,-0.25,2.0,0.0])
    // for cls in [FlowMatchEulerDiscreteScheduler, FlowMatchHeunDiscreteScheduler]:
    //     s=cls(num_train_timesteps=1000, shift=3.0); s.set_timesteps(4); x=torch.tensor([1.0,-2.0,0.5,3.0])
    //     for t in s.timesteps: x=s.step(x-target,t,x).prev_sample
    //     print(cls.__name__, [repr(float(a)) for a in x])
    // The timesteps the model sees: the same scheduler, print([repr(float(t)) for t in s.timesteps])
    private let diffusersTimesteps: [Float] = [1000.0, 857.6923, 602.1506, 8.928572]

    func testEulerMatchesDiffusersScheduler() throws {
        let (x, model) = try integrate(.euler, steps: 4, shift: 3)
        let expected: [Float] = [0.6287075877189636, -0.7004767656326294, 1.6138770580291748, 0.7722457647323608]
        XCTAssertEqual(x.scalars, expected)  // same float32 operations in the same order: exact
        XCTAssertEqual(model.calls.map(\.timesteps), diffusersTimesteps.map { [$0] })
    }

    func testHeunMatchesDiffusersScheduler() throws {
        let (x, model) = try integrate(.heun, steps: 4, shift: 3)
        let expected: [Float] = [0.6947396397590637, -0.9315916299819946, 1.4157789945602417, 1.1684417724609375]
        // diffusers forms the derivative as (x − (x − σv))/σ, equal to v up to rounding.
        XCTAssertEqual(x.scalars.count, expected.count)
        for (a, b) in zip(x.scalars, expected) { XCTAssertEqual(a, b, accuracy: 2e-6) }
        // 2N − 1 evaluations: the last step (to σ = 0) is a plain Euler step.
        XCTAssertEqual(model.calls.count, 7)
        let t = diffusersTimesteps
        XCTAssertEqual(model.calls.map { $0.timesteps[0] }, [t[0], t[1], t[1], t[2], t[2], t[3], t[3]])
    }

    /// Closed forms: Euler multiplies x − target by Π(1 + dt), Heun by Π(1 + dt + dt²/2) and (1 + dt) on the last step.
    func testClosedFormsAndOrderOfAccuracy() throws {
        let schedule = FlowMatchSchedule(steps: 12, shift: 3)
        let dts = zip(schedule.sigmas.dropFirst(), schedule.sigmas).map { Double($0) - Double($1) }
        let eulerFactor = dts.reduce(1.0) { $0 * (1 + $1) }
        let heunFactor = dts.dropLast().reduce(1.0) { $0 * (1 + $1 + $1 * $1 / 2) } * (1 + dts.last!)
        let exactFactor = exp(-1.0)

        let (euler, _) = try integrate(.euler, steps: 12, shift: 3)
        let (heun, _) = try integrate(.heun, steps: 12, shift: 3)
        for i in 0..<start.count {
            let offset = Double(start[i] - target[i])
            XCTAssertEqual(Double(euler.scalars[i]), Double(target[i]) + eulerFactor * offset, accuracy: 1e-5)
            XCTAssertEqual(Double(heun.scalars[i]), Double(target[i]) + heunFactor * offset, accuracy: 1e-5)
        }
        // Heun is the more accurate integrator of the exact flow.
        XCTAssertLessThan(abs(heunFactor - exactFactor), abs(eulerFactor - exactFactor) / 3)
    }

    /// For the straight-line field of a single data point, v = (x − target)/σ, Euler is exact:
    /// every step lands on the line, and σ = 0 lands on the target.
    func testEulerIsExactOnStraightFlow() throws {
        let target: [Float] = [0.25, -0.5]
        let model = ClosureVelocityModel { x, t, _ in
            (x - Tensor(shape: x.shape, values: target)) * (1000 / t)
        }
        let run = GenerationRun(model: model, guidance: SamplingFixtures.guidance(scale: 1),
                                noise: Tensor(shape: [1, 1, 1, 2], values: [1.5, 2.0]),
                                schedule: FlowMatchSchedule(steps: 5, shift: 3), sampler: EulerSampler())
        var x0Previews: [[Float]] = []
        try run.run { x0Previews.append($0.predictedClean.scalars); return true }
        XCTAssertEqual(run.sample.scalars.count, target.count)
        for (a, b) in zip(run.sample.scalars, target) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        // Every x₀ preview is already the target.
        XCTAssertEqual(x0Previews.count, 5, "one preview per step")
        for preview in x0Previews {
            XCTAssertEqual(preview.count, target.count)
            for (a, b) in zip(preview, target) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
    }

    func testEvaluationCounts() {
        let schedule = FlowMatchSchedule(steps: 5, shift: 3)
        XCTAssertEqual((0..<5).map { EulerSampler().evaluations(step: $0, of: schedule) }, [1, 1, 1, 1, 1])
        XCTAssertEqual((0..<5).map { HeunSampler().evaluations(step: $0, of: schedule) }, [2, 2, 2, 2, 1])
    }
}
