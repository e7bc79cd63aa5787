import XCTest
@testable import DiTEngine

final class RNGPhiloxTests: XCTestCase {
    // Known-answer vectors of Philox4x32-10 from Random123's kat_vectors (philox4x32 10 rounds):
    // counter, key → output.
    func testPhiloxKnownAnswers() {
        XCTAssertEqual(PhiloxNormal.philox4x32(counter: SIMD4(0, 0, 0, 0), key: SIMD2(0, 0)),
                       SIMD4(0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8))
        XCTAssertEqual(PhiloxNormal.philox4x32(counter: SIMD4(repeating: 0xFFFF_FFFF), key: SIMD2(repeating: 0xFFFF_FFFF)),
                       SIMD4(0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD))
        XCTAssertEqual(PhiloxNormal.philox4x32(counter: SIMD4(0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344),
                                               key: SIMD2(0xA409_3822, 0x299F_31D0)),
                       SIMD4(0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1))
    }

    func testSameSeedSameNumbersOtherSeedOtherNumbers() {
        var a = PhiloxNormal(seed: 42), b = PhiloxNormal(seed: 42), c = PhiloxNormal(seed: 43)
        let x = a.normal(count: 1000), y = b.normal(count: 1000), z = c.normal(count: 1000)
        XCTAssertEqual(x.map(\.bitPattern), y.map(\.bitPattern))
        XCTAssertNotEqual(x, z)
        XCTAssertEqual(Set(x.map(\.bitPattern)).count, x.count, "no repeated values in 1000 draws")
    }

    /// Counter-based: the stream does not depend on how it is split into calls.
    func testSplittingIntoCallsGivesTheSameStream() {
        var whole = PhiloxNormal(seed: 9)
        var pieces = PhiloxNormal(seed: 9)
        let expected = whole.normal(count: 23)
        let split = pieces.normal(count: 1) + pieces.normal(count: 6) + pieces.normal(count: 16)
        XCTAssertEqual(split.map(\.bitPattern), expected.map(\.bitPattern))
        XCTAssertEqual(pieces.position, 23)
        var resumed = PhiloxNormal(seed: 9, position: 7)
        XCTAssertEqual(resumed.normal(count: 16).map(\.bitPattern), Array(expected[7...]).map(\.bitPattern))
    }

    /// Moments of 200 000 samples: mean 0 ± 0.01, variance 1 ± 0.02, skew ≈ 0, kurtosis ≈ 3
    /// (standard errors are about 0.0022, 0.0032, 0.0055 and 0.011).
    func testMomentsAreStandardNormal() {
        var source = PhiloxNormal(seed: 2024)
        let values = source.normal(count: 200_000).map(Double.init)
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let sd = variance.squareRoot()
        let skew = values.reduce(0) { $0 + pow(($1 - mean) / sd, 3) } / n
        let kurtosis = values.reduce(0) { $0 + pow(($1 - mean) / sd, 4) } / n
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.02)
        XCTAssertEqual(skew, 0, accuracy: 0.03)
        XCTAssertEqual(kurtosis, 3, accuracy: 0.06)
        XCTAssertTrue(values.allSatisfy(\.isFinite))
        let inOneSigma = Double(values.filter { abs($0) < 1 }.count) / n
        XCTAssertEqual(inOneSigma, 0.6827, accuracy: 0.005)
    }

    func testNoiseKindNativeMakesPhilox() {
        var viaKind = NoiseKind.native.makeSource(seed: 5)
        var direct = PhiloxNormal(seed: 5)
        XCTAssertEqual(viaKind.normal(count: 8), direct.normal(count: 8))
    }
}
