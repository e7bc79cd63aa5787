import StudioCore

/// How a cell looks: concrete colours (already resolved from theme roles for the terminal's colour
/// mode) and text attributes.
public struct CellStyle: Hashable, Sendable {
    public var foreground: CellColor
    public var background: CellColor
    public var attributes: TextAttributes

    public init(foreground: CellColor = .terminalDefault, background: CellColor = .terminalDefault,
                attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = CellStyle()
}

/// One screen cell: the character drawn there (with any combining marks) and its style. The right
/// half of a double-width character is a `continuation` cell, which the adapter skips.
public struct ScreenCell: Hashable, Sendable {
    public var text: String
    public var style: CellStyle
    public var isContinuation: Bool

    public init(_ text: String, style: CellStyle = .plain, isContinuation: Bool = false) {
        self.text = text
        self.style = style
        self.isContinuation = isContinuation
    }

    public static let blank = ScreenCell(" ")
}

/// A whole screen as views draw it: pure values, compared between frames so that only changed
/// cells reach the terminal, and read back by tests.
public struct ScreenBuffer: Equatable, Sendable {
    public let size: TerminalSize
    public private(set) var cells: [ScreenCell]
    /// Where the text cursor shows (the prompt's caret), or nil for a hidden cursor.
    public var cursor: (column: Int, row: Int)? {
        get { cursorPosition.map { ($0.column, $0.row) } }
        set { cursorPosition = newValue.map { CursorPosition(column: $0.column, row: $0.row) } }
    }
    private var cursorPosition: CursorPosition?

    private struct CursorPosition: Equatable, Sendable {
        var column: Int
        var row: Int
    }

    public init(size: TerminalSize) {
        self.size = TerminalSize(columns: max(0, size.columns), rows: max(0, size.rows))
        cells = Array(repeating: .blank, count: self.size.columns * self.size.rows)
    }

    public subscript(column: Int, row: Int) -> ScreenCell {
        get {
            guard contains(column: column, row: row) else { return .blank }
            return cells[row * size.columns + column]
        }
        set {
            guard contains(column: column, row: row) else { return }
            cells[row * size.columns + column] = newValue
        }
    }

    public func contains(column: Int, row: Int) -> Bool {
        column >= 0 && row >= 0 && column < size.columns && row < size.rows
    }

    /// Fills a rectangle with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: CellStyle) {
        for row in rect.top..<rect.bottom {
            for column in rect.left..<rect.right {
                self[column, row] = ScreenCell(" ", style: style)
            }
        }
    }

    /// Writes `text` from (column, row), clipped at `limit` columns (default: the screen's edge);
    /// returns the column after the last cell written. The text must already be made safe
    /// (`TerminalText.line`) when it came from outside; anything below U+0020 is shown as `?`.
    @discardableResult
    public mutating func write(_ text: String, column: Int, row: Int, style: CellStyle, limit: Int? = nil) -> Int {
        let end = min(limit.map { column + $0 } ?? size.columns, size.columns)
        var x = column
        for character in text {
            let width = CharacterWidth.of(character)
            if width == 0 {
                // A combining mark on its own: attach it to the previous cell.
                if x > column, contains(column: x - 1, row: row) {
                    var previous = self[x - 1, row]
                    previous.text.append(character)
                    self[x - 1, row] = previous
                }
                continue
            }
            guard x + width <= end else { break }
            let shown = character.unicodeScalars.first.map { $0.value < 0x20 || $0.value == 0x7F } == true ? "?" : String(character)
            self[x, row] = ScreenCell(shown, style: style)
            if width == 2 { self[x + 1, row] = ScreenCell("", style: style, isContinuation: true) }
            x += width
        }
        return x
    }

    /// The text of one row (continuation cells left out), for tests and captures.
    public func text(row: Int) -> String {
        guard row >= 0, row < size.rows else { return "" }
        var line = ""
        for column in 0..<size.columns where !self[column, row].isContinuation {
            line += self[column, row].text
        }
        return line
    }

    /// The whole screen as text, one line per row with trailing spaces trimmed.
    public var text: String {
        (0..<size.rows).map { row in
            var line = text(row: row)
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    public static func == (lhs: ScreenBuffer, rhs: ScreenBuffer) -> Bool {
        lhs.size == rhs.size && lhs.cursorPosition == rhs.cursorPosition && lhs.cells == rhs.cells
    }
}

/// A rectangle of cells: `left..<right` × `top..<bottom`.
public struct Rect: Hashable, Sendable {
    public var left: Int
    public var top: Int
    public var width: Int
    public var height: Int

    public init(left: Int, top: Int, width: Int, height: Int) {
        self.left = left
        self.top = top
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var right: Int { left + width }
    public var bottom: Int { top + height }

    public func contains(column: Int, row: Int) -> Bool {
        column >= left && column < right && row >= top && row < bottom
    }

    /// The rectangle inside a one-cell border.
    public var inner: Rect { Rect(left: left + 1, top: top + 1, width: width - 2, height: height - 2) }
}
