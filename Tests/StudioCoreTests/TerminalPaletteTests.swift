import XCTest
@testable import StudioCore

final class TerminalPaletteTests: XCTestCase {
    func testXterm256ColoursFollowTheCubeAndGrayRamp() {
        XCTAssertEqual(TerminalPalette.xterm256Color(16), RGB8(0, 0, 0))
        XCTAssertEqual(TerminalPalette.xterm256Color(196), RGB8(255, 0, 0))   // 16 + 36·5
        XCTAssertEqual(TerminalPalette.xterm256Color(67), RGB8(95, 135, 175))  // 16 + 36·1 + 6·2 + 3
        XCTAssertEqual(TerminalPalette.xterm256Color(231), RGB8(255, 255, 255))
        XCTAssertEqual(TerminalPalette.xterm256Color(232), RGB8(8, 8, 8))
        XCTAssertEqual(TerminalPalette.xterm256Color(255), RGB8(238, 238, 238))
    }

    func testEveryPaletteColourMapsToItself() {
        for index in 16...255 {
            let color = TerminalPalette.xterm256Color(UInt8(index))
            XCTAssertEqual(TerminalPalette.xterm256Table.nearest(color), UInt8(index), "\(color)")
        }
        for (index, color) in TerminalPalette.ansi16Colors.enumerated() {
            XCTAssertEqual(TerminalPalette.ansi16Table.nearest(color), UInt8(index), "\(color)")
        }
    }

    func testNearestColoursByCIELabDistance() {
        // Brute force over the palette with CIE76 ΔE in CIELAB (D65), numpy:
        //   lab = sRGB → linear → XYZ (IEC 61966-2-1 matrix) / D65 white → L*a*b*;
        //   idx = ((lab(c) - lab(palette)) ** 2).sum(1).argmin()
        // Colours chosen where the colour and its 6-bit bucket centre agree.
        let expected256: [(RGB8, UInt8)] = [
            (RGB8(250, 10, 10), 196), (RGB8(100, 100, 100), 241), (RGB8(30, 60, 200), 27),
            (RGB8(200, 120, 40), 130), (RGB8(60, 20, 90), 53), (RGB8(128, 128, 128), 244),
            (RGB8(255, 128, 0), 208),
        ]
        for (color, index) in expected256 {
            XCTAssertEqual(TerminalPalette.xterm256Table.nearest(color), index, "\(color)")
        }
        let expected16: [(RGB8, UInt8)] = [
            (RGB8(250, 10, 10), 9), (RGB8(100, 100, 100), 8), (RGB8(30, 60, 200), 12),
            (RGB8(12, 200, 180), 6), (RGB8(60, 20, 90), 0), (RGB8(180, 180, 200), 7), (RGB8(5, 5, 5), 0),
        ]
        for (color, index) in expected16 {
            XCTAssertEqual(TerminalPalette.ansi16Table.nearest(color), index, "\(color)")
        }
    }

    func testTableNeverUsesTheTerminalDefinedIndices() {
        XCTAssertTrue(TerminalPalette.xterm256Table.indices.allSatisfy { $0 >= 16 })
        XCTAssertTrue(TerminalPalette.ansi16Table.indices.allSatisfy { $0 < 16 })
    }
}
