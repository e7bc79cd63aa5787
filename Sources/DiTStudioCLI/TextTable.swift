import StudioCore

/// Plain-text columns, padded to the widest cell (by characters). Cells are outside text (preset
/// and theme names, descriptions), so each is made one safe line (`TerminalText.line`) before it
/// is measured: a line break or escape sequence in a name can neither break the table nor reach
/// the terminal.
enum TextTable {
    /// `decorations[row]`, when given, goes in front of that data row's last cell as it is: zero-width
    /// escape sequences this program makes (a theme's colour swatch), not counted in the widths.
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = [],
                       decorations: [String] = []) -> String {
        let all = ([header] + rows).map { $0.map(TerminalText.line) }
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.enumerated().map { index, row in
            row.indices.map { column in
                let cell = row[column]
                let last = column == row.count - 1
                let decoration = last && index > 0 && index - 1 < decorations.count ? decorations[index - 1] : ""
                if last && !rightAligned.contains(column) { return decoration + cell }
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
