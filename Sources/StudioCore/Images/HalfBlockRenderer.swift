/// Turns an image into terminal cells, two pixels per cell (upper and lower half of "▀"), scaled
/// to fit a cell area with its aspect ratio kept. Pure: no terminal involved.
public enum HalfBlockRenderer {
    /// The pixel size an image of `width × height` gets inside `columns × rows` cells, each cell
    /// one pixel wide and two tall: the largest uniform scale that fits, at least one pixel.
    public static func fittedPixelSize(width: Int, height: Int, columns: Int, rows: Int) -> (width: Int, height: Int) {
        precondition(width > 0 && height > 0 && columns > 0 && rows > 0, "sizes must be positive")
        let scale = min(Double(columns) / Double(width), Double(2 * rows) / Double(height))
        let fittedWidth = min(columns, max(1, Int((Double(width) * scale).rounded())))
        let fittedHeight = min(2 * rows, max(1, Int((Double(height) * scale).rounded())))
        return (fittedWidth, fittedHeight)
    }

    /// Renders `image` into at most `columns × rows` cells. The grid is as wide as the scaled image
    /// and `ceil(height / 2)` rows tall; with an odd pixel height the last row's lower halves show
    /// the terminal's default background. An empty area gives an empty grid.
    public static func render(_ image: RGBImage, columns: Int, rows: Int, mode: ColorMode) -> HalfBlockGrid {
        guard columns > 0, rows > 0 else { return .empty }
        let size = fittedPixelSize(width: image.width, height: image.height, columns: columns, rows: rows)
        let scaled = ImageResampler.resize(image, width: size.width, height: size.height)
        let gridRows = (size.height + 1) / 2
        var cells: [HalfBlockCell] = []
        cells.reserveCapacity(gridRows * size.width)
        for row in 0..<gridRows {
            for column in 0..<size.width {
                let upper = scaled[column, 2 * row]
                let lower = 2 * row + 1 < size.height ? scaled[column, 2 * row + 1] : nil
                cells.append(cell(upper: upper, lower: lower, mode: mode))
            }
        }
        return HalfBlockGrid(columns: size.width, rows: gridRows, cells: cells)
    }

    static func cell(upper: RGB8, lower: RGB8?, mode: ColorMode) -> HalfBlockCell {
        switch mode {
        case .monochrome:
            let glyph: Character
            switch (isBright(upper), lower.map(isBright) ?? false) {
            case (true, true): glyph = HalfBlockCell.fullBlock
            case (true, false): glyph = HalfBlockCell.upperHalf
            case (false, true): glyph = HalfBlockCell.lowerHalf
            case (false, false): glyph = " "
            }
            return HalfBlockCell(glyph: glyph, foreground: .terminalDefault, background: .terminalDefault)
        case .trueColor, .xterm256, .ansi16:
            return HalfBlockCell(glyph: HalfBlockCell.upperHalf, foreground: cellColor(upper, mode: mode),
                                 background: lower.map { cellColor($0, mode: mode) } ?? .terminalDefault)
        }
    }

    /// The colour a pixel gets in a colour mode.
    public static func cellColor(_ color: RGB8, mode: ColorMode) -> CellColor {
        switch mode {
        case .trueColor: return .rgb(color)
        case .xterm256: return .indexed(TerminalPalette.xterm256Table.nearest(color))
        case .ansi16: return .indexed(TerminalPalette.ansi16Table.nearest(color))
        case .monochrome: return .terminalDefault
        }
    }

    /// Lighter than middle gray (CIE L* above 50, relative luminance above 0.1842): drawn in the
    /// terminal's foreground colour in monochrome mode.
    static func isBright(_ color: RGB8) -> Bool {
        let luminance = 0.2126 * SRGB.decode(color.red) + 0.7152 * SRGB.decode(color.green)
            + 0.0722 * SRGB.decode(color.blue)
        return luminance > 0.18418652
    }
}
