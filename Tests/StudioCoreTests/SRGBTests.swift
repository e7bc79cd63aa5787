import XCTest
@testable import StudioCore

final class SRGBTests: XCTestCase {
    func testDecodingFollowsTheStandard() {
        // IEC 61966-2-1: ((c / 255 + 0.055) / 1.055) ** 2.4 above 0.04045, c / 255 / 12.92 below.
        XCTAssertEqual(SRGB.decode(0), 0)
        XCTAssertEqual(SRGB.decode(255), 1)
        XCTAssertEqual(SRGB.decode(128), 0.21586050, accuracy: 1e-7) // python: ((128/255+0.055)/1.055)**2.4
        XCTAssertEqual(SRGB.decode(10), Float(10.0 / 255 / 12.92), accuracy: 1e-9)
    }

    func testEncodingInvertsDecodingForEveryCode() {
        for code in 0...255 {
            XCTAssertEqual(SRGB.encode(SRGB.decode(UInt8(code))), UInt8(code), "code \(code)")
        }
    }

    func testEncodingRoundsInSRGBSpaceAndClamps() {
        // python: round(255 * (1.055 * 0.5 ** (1 / 2.4) - 0.055)) == 188; likewise 0.75 → 225, 0.25 → 137
        XCTAssertEqual(SRGB.encode(0.5), 188)
        XCTAssertEqual(SRGB.encode(0.75), 225)
        XCTAssertEqual(SRGB.encode(0.25), 137)
        XCTAssertEqual(SRGB.encode(-1), 0)
        XCTAssertEqual(SRGB.encode(2), 255)
        XCTAssertEqual(SRGB.encode(.nan), 0)
        XCTAssertEqual(SRGB.encode(.infinity), 255)
    }
}
