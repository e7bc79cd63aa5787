import Foundation

/// Imports the prompt syntax of AUTOMATIC1111's Regional Prompter extension into a `Layout`, so
/// people bring the layouts they already have.
///
/// - The prompt is split into region prompts by `BREAK`, `ADDCOL` or `ADDROW`. Text before `ADDBASE`
///   is the base prompt (without it, the base is every region's text joined); text before
///   `ADDCOMM` is common to every region and is put in front of each region's prompt.
/// - The ratios divide the image: `1,2,1` makes three columns of widths 1:2:1 (three rows when the
///   prompt separates with `ADDROW` only). With `;`, each group is a row: its first number is the
///   row's height and the rest the widths of its columns (`1,2,1;2,3` = a row of height 1 with two
///   columns 2:1, then a row of height 2 with one column). Regions are taken row by row, left to
///   right, in prompt order.
public enum RegionalPrompterSyntax {
    public struct ImportError: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { "regional prompter: \(reason)" }
    }

    public static func layout(prompt: String, ratios: String, baseRatio: Double = 0.3) throws -> Layout {
        var text = prompt
        var base: String?
        var common: String?
        if let range = text.range(of: "ADDBASE") {
            base = clean(text[..<range.lowerBound])
            text = String(text[range.upperBound...])
        }
        if let range = text.range(of: "ADDCOMM") {
            common = clean(text[..<range.lowerBound])
            text = String(text[range.upperBound...])
        }
        let rowsOnly = text.contains("ADDROW") && !text.contains("ADDCOL") && !ratios.contains(";")
        let parts = split(text, by: ["BREAK", "ADDCOL", "ADDROW"]).map(clean)
        guard parts.allSatisfy({ !$0.isEmpty }) else {
            throw ImportError(reason: "a region's prompt is empty (two separators in a row, or one at an end)")
        }
        let boxes = try divide(ratios, rowsOnly: rowsOnly)
        guard boxes.count == parts.count else {
            throw ImportError(reason: "the ratios '\(ratios)' make \(boxes.count) region\(boxes.count == 1 ? "" : "s") but the prompt has \(parts.count) (separate regions with BREAK, ADDCOL or ADDROW)")
        }
        guard parts.count <= Layout.maximumRegions else {
            throw ImportError(reason: "at most \(Layout.maximumRegions) regions (got \(parts.count))")
        }
        let regionPrompts = parts.map { part in common.map { "\($0) \(part)" } ?? part }
        let layout = Layout(basePrompt: base ?? regionPrompts.joined(separator: " "), baseRatio: baseRatio,
                            regions: zip(boxes, regionPrompts).map { LayoutRegion(box: $0, prompt: $1) })
        do { try layout.validate() } catch { throw ImportError(reason: "\(error)") }
        return layout
    }

    /// The boxes the ratios describe, row by row.
    static func divide(_ ratios: String, rowsOnly: Bool) throws -> [RegionBox] {
        func numbers(_ group: Substring) throws -> [Double] {
            try group.split(separator: ",", omittingEmptySubsequences: false).map { item in
                let trimmed = item.trimmingCharacters(in: .whitespaces)
                guard let value = Double(trimmed), value.isFinite, value > 0 else {
                    throw ImportError(reason: "'\(trimmed)' in the ratios '\(ratios)' is not a positive number")
                }
                return value
            }
        }
        let groups = ratios.split(separator: ";", omittingEmptySubsequences: false)
        guard !ratios.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ImportError(reason: "the ratios are empty: write e.g. '1,1' for two columns")
        }
        if groups.count == 1 {
            let weights = try numbers(groups[0])
            return fractions(weights).map { (start, end) in
                rowsOnly ? RegionBox(x0: 0, y0: start, x1: 1, y1: end) : RegionBox(x0: start, y0: 0, x1: end, y1: 1)
            }
        }
        let rows = try groups.map(numbers)
        let rowSpans = fractions(rows.map { $0[0] })
        var boxes: [RegionBox] = []
        for (row, span) in zip(rows, rowSpans) {
            let columns = row.count > 1 ? Array(row.dropFirst()) : [1]
            for (x0, x1) in fractions(columns) {
                boxes.append(RegionBox(x0: x0, y0: span.0, x1: x1, y1: span.1))
            }
        }
        return boxes
    }

    /// Consecutive spans of [0, 1] in proportion to `weights`; the last ends at exactly 1.
    static func fractions(_ weights: [Double]) -> [(Double, Double)] {
        let total = weights.reduce(0, +)
        var start = 0.0, spans: [(Double, Double)] = []
        for (index, weight) in weights.enumerated() {
            let end = index == weights.count - 1 ? 1 : start + weight / total
            spans.append((start, end))
            start = end
        }
        return spans
    }

    private static func split(_ text: String, by separators: [String]) -> [String] {
        var parts = [text]
        for separator in separators {
            parts = parts.flatMap { $0.components(separatedBy: separator) }
        }
        return parts
    }

    private static func clean<S: StringProtocol>(_ text: S) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
            .trimmingCharacters(in: CharacterSet(charactersIn: ","))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
