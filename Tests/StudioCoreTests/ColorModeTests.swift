import XCTest
@testable import StudioCore

final class ColorModeTests: XCTestCase {
    func testDetectionFromTheEnvironment() {
        XCTAssertEqual(ColorMode.detect(environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"]), .trueColor)
        XCTAssertEqual(ColorMode.detect(environment: ["TERM": "tmux-256color", "COLORTERM": "24bit"]), .trueColor)
        XCTAssertEqual(ColorMode.detect(environment: ["TERM": "xterm-direct"]), .trueColor)
        XCTAssertEqual(ColorMode.detect(environment: ["TERM": "xterm-256color"]), .xterm256)
        XCTAssertEqual(ColorMode.detect(environment: ["TERM": "xterm"]), .ansi16)
        XCTAssertEqual(ColorMode.detect(environment: [:]), .ansi16)
        XCTAssertEqual(ColorMode.detect(environment: ["TERM": "dumb"]), .monochrome)
        XCTAssertEqual(ColorMode.detect(environment: ["TERM": "xterm-256color", "NO_COLOR": "1"]), .monochrome)
    }

    func testRawValuesAreTheCommandLineSpellings() {
        XCTAssertEqual(ColorMode.allCases.map(\.rawValue), ["truecolor", "256", "16", "mono"])
    }
}
