import XCTest
@testable import ShapesWorld

final class AdherenceTallyTests: XCTestCase {
    /// Reference intervals from SciPy:
    /// `scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")` (scipy 1.17.1).
    func testWilsonIntervalsMatchSciPy() {
        let cases: [(k: Int, n: Int, low: Double, high: Double)] = [
            (0, 10, 0.0, 0.27753279986288926),
            (10, 10, 0.7224672001371109, 1.0),
            (77, 100, 0.6784561697712622, 0.8415673411969654),
            (130, 200, 0.5816346433604008, 0.7127117587264192),
            (199, 200, 0.972226295602107, 0.999116831284399),
            (1, 3, 0.06149194472039626, 0.7923403991979523),
        ]
        for c in cases {
            let (low, high) = Proportion(successes: c.k, count: c.n).wilson95
            XCTAssertEqual(low, c.low, accuracy: 1e-6, "\(c.k)/\(c.n)")
            XCTAssertEqual(high, c.high, accuracy: 1e-6, "\(c.k)/\(c.n)")
        }
    }

    private func score(_ id: Int, objects: Int, found: [Bool], background: Bool, errors: [FailureClass]) -> CaptionScore {
        var s = CaptionScore(item: .init(id: id, seed: UInt64(id), caption: "", background: "white", objects: []),
                             diagnosis: .init(judgement: .init(objectsFound: found, backgroundCorrect: background,
                                                               detectedBackground: background ? "white" : "black"),
                                              errors: errors))
        s.objects = objects
        return s
    }

    func testRatesFailuresAndErrorCountsPerObjectCount() {
        let tally = AdherenceTally(scores: [
            score(0, objects: 1, found: [true], background: true, errors: []),
            score(1, objects: 1, found: [false], background: true, errors: [.missing, .extra]),
            score(2, objects: 2, found: [true, true], background: false, errors: [.background]),
            score(3, objects: 2, found: [false, false], background: true, errors: [.swapped, .swapped]),
            score(4, objects: 3, found: [true, false, true], background: true, errors: [.position]),
        ])
        XCTAssertEqual(tally.objects(1), Proportion(successes: 1, count: 2))
        XCTAssertEqual(tally.objects(2), Proportion(successes: 1, count: 2), "a wrong background is not an object failure")
        XCTAssertEqual(tally.objects(3), Proportion(successes: 0, count: 1))
        XCTAssertEqual(tally.background, Proportion(successes: 4, count: 5))
        XCTAssertEqual([1, 2, 3].map(tally.failures), [1, 2, 1])
        XCTAssertEqual(tally.errorCounts(2)[.swapped], 2)
        XCTAssertEqual(tally.errorCounts(2)[.background], 1)
        XCTAssertEqual(tally.errorCounts(1)[.extra], 1)
        XCTAssertEqual(tally.errorCounts(3)[.missing], 0)
        // Intervals: scipy.stats.binomtest(1, 2) and (4, 5) .proportion_ci(method="wilson"), to 3 decimals.
        let report = tally.report(header: "h")
        XCTAssertTrue(report.contains("one object     0.500  [0.095, 0.905]  (n = 2)"), report)
        XCTAssertTrue(report.contains("background     0.800  [0.376, 0.964]  (n = 5)"), report)
    }
}
