import XCTest
@testable import StudioCore

final class HalfBlockRendererTests: XCTestCase {
    private let red = RGB8(255, 0, 0), green = RGB8(0, 255, 0), blue = RGB8(0, 0, 255)
    private let white = RGB8.white, black = RGB8.black

    private func image(_ rows: [[RGB8]]) -> RGBImage {
        RGBImage(width: rows[0].count, height: rows.count,
                 pixels: rows.flatMap { $0.flatMap { [$0.red, $0.green, $0.blue] } })
    }

    private func half(_ upper: CellColor, _ lower: CellColor) -> HalfBlockCell {
        HalfBlockCell(glyph: "\u{2580}", foreground: upper, background: lower)
    }

    // MARK: Fitting

    func testFittedSizeKeepsTheAspectRatioWithTwoPixelsPerCellRow() {
        let cases: [((Int, Int, Int, Int), (Int, Int))] = [
            ((4, 4, 10, 10), (10, 10)),      // limited by width: ×2.5
            ((8, 2, 4, 4), (4, 1)),          // ×0.5
            ((3, 5, 80, 1), (1, 2)),         // limited by height: 2 pixel rows, ×0.4
            ((512, 512, 80, 24), (48, 48)),  // square image in a wide terminal
            ((1000, 10, 7, 3), (7, 1)),      // never below one pixel
            ((64, 32, 64, 16), (64, 32)),    // exact fit: unchanged
        ]
        for ((width, height, columns, rows), expected) in cases {
            let size = HalfBlockRenderer.fittedPixelSize(width: width, height: height, columns: columns, rows: rows)
            XCTAssertEqual(size.width, expected.0, "\(width)x\(height) in \(columns)x\(rows)")
            XCTAssertEqual(size.height, expected.1, "\(width)x\(height) in \(columns)x\(rows)")
        }
    }

    func testGridSizeForASquareImageInAWideArea() {
        let grid = HalfBlockRenderer.render(RGBImage(width: 512, height: 512, fill: red), columns: 80, rows: 24, mode: .trueColor)
        XCTAssertEqual(grid.columns, 48)
        XCTAssertEqual(grid.rows, 24)
        XCTAssertTrue(grid.cells.allSatisfy { $0 == half(.rgb(red), .rgb(red)) })
    }

    func testEmptyAreaGivesAnEmptyGrid() {
        XCTAssertEqual(HalfBlockRenderer.render(RGBImage(width: 2, height: 2), columns: 0, rows: 5, mode: .trueColor), .empty)
        XCTAssertEqual(HalfBlockRenderer.render(RGBImage(width: 2, height: 2), columns: 5, rows: 0, mode: .ansi16), .empty)
    }

    // MARK: Colour modes

    func testTrueColourUsesUpperPixelAsForegroundAndLowerAsBackground() {
        let grid = HalfBlockRenderer.render(image([[red, green], [blue, white]]), columns: 2, rows: 1, mode: .trueColor)
        XCTAssertEqual(grid.columns, 2)
        XCTAssertEqual(grid.rows, 1)
        XCTAssertEqual(grid.cells, [half(.rgb(red), .rgb(blue)), half(.rgb(green), .rgb(white))])
    }

    func testOddPixelHeightLeavesTheLastLowerHalfToTheTerminal() {
        let grid = HalfBlockRenderer.render(image([[red, green], [blue, white], [black, red]]), columns: 2, rows: 2, mode: .trueColor)
        XCTAssertEqual(grid.rows, 2)
        XCTAssertEqual(grid[0, 1], half(.rgb(black), .terminalDefault))
        XCTAssertEqual(grid[1, 1], half(.rgb(red), .terminalDefault))
    }

    func testUpscalingKeepsPixelsCrisp() {
        // 2×1 pixels in 4×4 cells (4×8 pixels): scale min(4/2, 8/1) = 2 → 4×2 pixels → 4×1 cells.
        let grid = HalfBlockRenderer.render(image([[red, blue]]), columns: 4, rows: 4, mode: .trueColor)
        XCTAssertEqual(grid.columns, 4)
        XCTAssertEqual(grid.rows, 1)
        XCTAssertEqual(grid.cells, [half(.rgb(red), .rgb(red)), half(.rgb(red), .rgb(red)),
                                    half(.rgb(blue), .rgb(blue)), half(.rgb(blue), .rgb(blue))])
    }

    func testDownscalingAveragesBlocksInLinearLight() {
        // 4×4 with 2×2 blocks: black/white checker (left) and pure green (right) → 2×2 pixels → 2×1 cells.
        let checker = image([
            [black, white, green, green],
            [white, black, green, green],
            [red, red, blue, blue],
            [red, red, blue, blue],
        ])
        let grid = HalfBlockRenderer.render(checker, columns: 2, rows: 1, mode: .trueColor)
        let midGray = RGB8(188, 188, 188) // linear 0.5 (python: round(255*(1.055*0.5**(1/2.4)-0.055)))
        XCTAssertEqual(grid.cells, [half(.rgb(midGray), .rgb(red)), half(.rgb(green), .rgb(blue))])
    }

    func testXterm256ModeUsesCubeAndGrayIndices() {
        let gray = RGB8(128, 128, 128), steel = RGB8(95, 135, 175)
        let grid = HalfBlockRenderer.render(image([[red, white, gray], [black, steel, RGB8(250, 10, 10)]]),
                                            columns: 3, rows: 1, mode: .xterm256)
        XCTAssertEqual(grid.cells, [half(.indexed(196), .indexed(16)), half(.indexed(231), .indexed(67)),
                                    half(.indexed(244), .indexed(196))])
    }

    func testAnsi16ModeUsesTheSixteenColours() {
        let grid = HalfBlockRenderer.render(image([[RGB8(205, 0, 0), white, RGB8(100, 100, 100)],
                                                   [black, RGB8(0, 0, 238), RGB8(30, 60, 200)]]),
                                            columns: 3, rows: 1, mode: .ansi16)
        XCTAssertEqual(grid.cells, [half(.indexed(1), .indexed(0)), half(.indexed(15), .indexed(4)),
                                    half(.indexed(8), .indexed(12))])
    }

    func testMonochromeChoosesTheGlyphByBrightness() {
        // Pure blue is dark (L* 32), pure green bright (L* 88).
        // Threshold: CIE L* 50 ⇔ relative luminance 0.1842 ⇔ sRGB gray 119 (python: ((119/255+0.055)/1.055)**2.4 = 0.1845).
        let light = RGB8(119, 119, 119), dark = RGB8(118, 118, 118)
        let grid = HalfBlockRenderer.render(image([[white, white, black, black, light, blue],
                                                   [white, black, white, black, dark, green]]),
                                            columns: 6, rows: 1, mode: .monochrome)
        XCTAssertEqual(grid.cells.map(\.glyph), ["\u{2588}", "\u{2580}", "\u{2584}", " ", "\u{2580}", "\u{2584}"])
        XCTAssertTrue(grid.cells.allSatisfy { $0.foreground == .terminalDefault && $0.background == .terminalDefault })
    }

    func testMonochromeOddRowTreatsTheMissingHalfAsDark() {
        let grid = HalfBlockRenderer.render(image([[white, black]]), columns: 2, rows: 1, mode: .monochrome)
        XCTAssertEqual(grid.cells.map(\.glyph), ["\u{2580}", " "])
    }
}
