/// One terminal cell of a half-block image: normally U+2580 "▀" whose foreground is the upper
/// pixel and whose background is the lower pixel.
public struct HalfBlockCell: Hashable, Sendable {
    public var glyph: Character
    public var foreground: CellColor
    public var background: CellColor

    public init(glyph: Character, foreground: CellColor, background: CellColor) {
        self.glyph = glyph
        self.foreground = foreground
        self.background = background
    }

    /// U+2580: the upper half of the cell in the foreground colour.
    public static let upperHalf: Character = "\u{2580}"
    /// U+2584: the lower half of the cell in the foreground colour.
    public static let lowerHalf: Character = "\u{2584}"
    /// U+2588: the whole cell in the foreground colour.
    public static let fullBlock: Character = "\u{2588}"
}

/// An image rendered as terminal cells, row by row; `columns × rows` is the size it fitted to,
/// at most the area asked for (callers centre it).
public struct HalfBlockGrid: Equatable, Sendable {
    public let columns: Int
    public let rows: Int
    /// `columns * rows` cells, rows top to bottom.
    public let cells: [HalfBlockCell]

    public init(columns: Int, rows: Int, cells: [HalfBlockCell]) {
        precondition(columns >= 0 && rows >= 0 && cells.count == columns * rows,
                     "a \(columns)x\(rows) grid needs \(columns * rows) cells")
        self.columns = columns
        self.rows = rows
        self.cells = cells
    }

    public static let empty = HalfBlockGrid(columns: 0, rows: 0, cells: [])

    public subscript(column: Int, row: Int) -> HalfBlockCell {
        precondition(column >= 0 && column < columns && row >= 0 && row < rows, "cell (\(column), \(row)) is outside the grid")
        return cells[row * columns + column]
    }
}
