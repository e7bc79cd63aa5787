import XCTest
@testable import StudioCore

/// The BLAS thread count chosen at start-up: explicit choices win in their order, and otherwise
/// every busy core is taken away (the measured cost of a BLAS thread on a busy core is ~10×).
final class BLASThreadPolicyTests: XCTestCase {
    typealias Load = BLASThreadPolicy.Load

    func testReadsProcLoadavg() {
        XCTAssertEqual(Load.parse("1.61 1.22 1.41 3/250 12345\n"), Load(runnable: 3, oneMinute: 1.61))
        XCTAssertEqual(Load.parse("0.00 0.01 0.05 1/87 999"), Load(runnable: 1, oneMinute: 0))
        XCTAssertNil(Load.parse(""))
        XCTAssertNil(Load.parse("1.0 1.0 1.0"))
        XCTAssertNil(Load.parse("x 1.0 1.0 3/250 1"))
        XCTAssertNil(Load.parse("1.0 1.0 1.0 a/250 1"))
        XCTAssertNil(Load.parse("nan 1.0 1.0 1/250 1"))
    }

    func testAnIdleMachineGetsEveryCore() {
        XCTAssertEqual(BLASThreadPolicy.threads(environment: [:], cores: 2, load: Load(runnable: 1, oneMinute: 0.2)), 2)
        XCTAssertEqual(BLASThreadPolicy.threads(environment: [:], cores: 8, load: nil), 8)
    }

    /// The development machine's case: a training job keeps one of two cores busy.
    func testABusyCoreIsLeftAlone() {
        XCTAssertEqual(BLASThreadPolicy.threads(environment: [:], cores: 2, load: Load(runnable: 2, oneMinute: 0.3)), 1)
        XCTAssertEqual(BLASThreadPolicy.threads(environment: [:], cores: 2, load: Load(runnable: 1, oneMinute: 1.2)), 1)
        XCTAssertEqual(BLASThreadPolicy.threads(environment: [:], cores: 8, load: Load(runnable: 4, oneMinute: 2.9)), 5)
        XCTAssertEqual(BLASThreadPolicy.threads(environment: [:], cores: 2, load: Load(runnable: 9, oneMinute: 7.6)), 1)
    }

    func testExplicitChoicesWinInOrder() {
        let busy = Load(runnable: 9, oneMinute: 7.6)
        XCTAssertEqual(BLASThreadPolicy.threads(explicit: 3, environment: ["DIT_STUDIO_THREADS": "2"], cores: 2, load: busy), 3)
        XCTAssertEqual(BLASThreadPolicy.threads(environment: ["DIT_STUDIO_THREADS": "2", "OPENBLAS_NUM_THREADS": "1"],
                                                cores: 2, load: busy), 2)
        XCTAssertNil(BLASThreadPolicy.threads(environment: ["OPENBLAS_NUM_THREADS": "2"], cores: 2, load: busy))
        XCTAssertNil(BLASThreadPolicy.threads(environment: ["OMP_NUM_THREADS": "2"], cores: 2, load: busy))
        // A malformed DIT_STUDIO_THREADS is not a choice: the policy decides.
        XCTAssertEqual(BLASThreadPolicy.threads(environment: ["DIT_STUDIO_THREADS": "many"], cores: 2, load: busy), 1)
        XCTAssertEqual(BLASThreadPolicy.threads(environment: ["DIT_STUDIO_THREADS": "0"], cores: 2, load: nil), 2)
    }
}
