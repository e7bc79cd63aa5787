import XCTest
@testable import DiTEngine

/// The schedule against diffusers 0.42.1, compared as exact float32 values.
final class SamplingScheduleTests: XCTestCase {
    // python3 -c "from diffusers import FlowMatchEulerDiscreteScheduler as S; import numpy as np;
    //   s=S(num_train_timesteps=1000, shift=1.0); s.set_timesteps(4);
    //   print([repr(np.float32(x)) for x in s.sigmas.numpy()], [repr(np.float32(x)) for x in s.timesteps.numpy()])"
    func testShiftOneFourSteps() {
        let schedule = FlowMatchSchedule(steps: 4, shift: 1)
        XCTAssertEqual(schedule.sigmas, [1.0, 0.667, 0.334, 0.001, 0.0])
        XCTAssertEqual(schedule.timesteps, [1000.0, 667.0, 334.0, 1.0])
    }

    // same line with shift=3.0 and set_timesteps(5)
    func testShiftThreeFiveSteps() {
        let schedule = FlowMatchSchedule(steps: 5, shift: 3)
        XCTAssertEqual(schedule.sigmas, [1.0, 0.9003591, 0.7511211, 0.50298506, 0.008928572, 0.0])
        XCTAssertEqual(schedule.timesteps, [1000.0, 900.3591, 751.1211, 502.98505, 8.928572])
    }

    // same line with shift=3.0 and set_timesteps(1) / set_timesteps(2)
    func testShiftThreeOneAndTwoSteps() {
        XCTAssertEqual(FlowMatchSchedule(steps: 1, shift: 3).sigmas, [1.0, 0.0])
        XCTAssertEqual(FlowMatchSchedule(steps: 2, shift: 3).sigmas, [1.0, 0.008928572, 0.0])
        XCTAssertEqual(FlowMatchSchedule(steps: 2, shift: 3).timesteps, [1000.0, 8.928572])
    }

    /// The endpoint gets f applied twice (diffusers' quirk): with s = 3, f(f(0.001)) ≈ 0.0089, not f(0.001) ≈ 0.003.
    func testEndPointIsShiftedTwice() {
        let last = FlowMatchSchedule(steps: 10, shift: 3).sigmas[9]
        let f = { (sigma: Double) in 3 * sigma / (1 + 2 * sigma) }
        XCTAssertEqual(Double(last), f(f(0.001)), accuracy: 1e-7)
    }

    func testSigmasDecreaseToZero() {
        for shift in [0.5, 1, 3, 6] {
            let sigmas = FlowMatchSchedule(steps: 30, shift: shift).sigmas
            XCTAssertEqual(sigmas.count, 31)
            XCTAssertEqual(sigmas.first, 1)
            XCTAssertEqual(sigmas.last, 0)
            XCTAssertTrue(zip(sigmas, sigmas.dropFirst()).allSatisfy { $0 > $1 }, "shift \(shift)")
        }
    }
}
