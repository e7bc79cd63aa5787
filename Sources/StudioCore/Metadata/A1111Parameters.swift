import Foundation

/// The `parameters` text chunk in the format AUTOMATIC1111's web UI writes, which most "PNG info"
/// tools read:
///
///     a large red circle at the top left
///     Negative prompt: blurry
///     Steps: 20, Sampler: Euler, CFG scale: 4, Seed: 1234, Size: 64x64, Model: shapes-mmdit
///
/// The last line is a list of `Key: value` pairs separated by commas; a value holding a comma,
/// colon or line break is written as a JSON string in double quotes. Keys are kept in order and
/// unknown keys are kept as they are, so a chunk from another tool survives a round trip.
public struct A1111Parameters: Equatable, Sendable {
    /// One `Key: value` pair of the last line, the value unquoted.
    public struct Field: Equatable, Sendable {
        public var key: String
        public var value: String

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public var prompt: String
    public var negativePrompt: String
    public var fields: [Field]

    public init(prompt: String, negativePrompt: String = "", fields: [Field] = []) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.fields = fields
    }

    /// The value of the first field called `key` (case-sensitive, as A1111 writes them).
    public func value(for key: String) -> String? {
        fields.first { $0.key == key }?.value
    }

    // MARK: - Typed fields (nil when absent or not parseable)

    public var steps: Int? { value(for: "Steps").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    public var sampler: String? { value(for: "Sampler") }
    public var cfgScale: Double? { value(for: "CFG scale").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
    public var seed: UInt64? { value(for: "Seed").flatMap { UInt64($0.trimmingCharacters(in: .whitespaces)) } }
    public var model: String? { value(for: "Model") }
    public var modelHash: String? { value(for: "Model hash") }
    public var shift: Double? { value(for: "Shift").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
    public var rng: String? { value(for: "RNG") }

    /// `Size: 64x48` as (width, height).
    public var size: (width: Int, height: Int)? {
        guard let text = value(for: "Size") else { return nil }
        let parts = text.lowercased().split(separator: "x").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) else { return nil }
        return (width, height)
    }

    // MARK: - Writing

    /// The chunk's text.
    public var text: String {
        var lines = [prompt]
        if !negativePrompt.isEmpty { lines.append("Negative prompt: \(negativePrompt)") }
        if !fields.isEmpty {
            lines.append(fields.map { "\($0.key): \(Self.quoteIfNeeded($0.value))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// A value with a comma, colon, quote or line break becomes a JSON string, as A1111 does.
    static func quoteIfNeeded(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == ":" || $0 == "\n" || $0 == "\"" }) else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 {
                    quoted += String(format: "\\u%04x", scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    // MARK: - Reading

    /// Reads a chunk as far as it goes: the last line counts as the parameter line only when it
    /// holds at least three `Key: value` pairs (otherwise it belongs to the prompt), lines from
    /// `Negative prompt:` on form the negative prompt, and pieces of the parameter line that are
    /// not pairs are skipped.
    public static func parse(_ text: String) -> A1111Parameters {
        var lines = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var fields: [Field] = []
        if let last = lines.last {
            let pairs = parseFields(last)
            if pairs.count >= 3 {
                fields = pairs
                lines.removeLast()
            }
        }
        var promptLines: [String] = []
        var negativeLines: [String] = []
        var inNegative = false
        for line in lines {
            if !inNegative, line.hasPrefix("Negative prompt:") {
                inNegative = true
                negativeLines.append(String(line.dropFirst("Negative prompt:".count)).trimmingCharacters(in: .whitespaces))
            } else if inNegative {
                negativeLines.append(line)
            } else {
                promptLines.append(line)
            }
        }
        return A1111Parameters(prompt: promptLines.joined(separator: "\n").trimmingCharacters(in: .whitespaces),
                               negativePrompt: negativeLines.joined(separator: "\n").trimmingCharacters(in: .whitespaces),
                               fields: fields)
    }

    /// The `Key: value` pairs of one line. A key starts with a letter, digit or underscore and goes
    /// on with those, spaces, `-` and `/`; a value is a double-quoted JSON string or runs to the
    /// next comma.
    static func parseFields(_ line: String) -> [Field] {
        let characters = Array(line)
        var fields: [Field] = []
        var index = 0
        func isKeyStart(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        func isKeyCharacter(_ c: Character) -> Bool { isKeyStart(c) || c == " " || c == "-" || c == "/" }
        func skipPastComma() {
            while index < characters.count, characters[index] != "," { index += 1 }
            index += 1
        }
        while index < characters.count {
            while index < characters.count, characters[index].isWhitespace { index += 1 }
            guard index < characters.count else { break }
            let keyStart = index
            guard isKeyStart(characters[index]) else { skipPastComma(); continue }
            while index < characters.count, isKeyCharacter(characters[index]) { index += 1 }
            guard index < characters.count, characters[index] == ":" else { skipPastComma(); continue }
            let key = String(characters[keyStart..<index]).trimmingCharacters(in: .whitespaces)
            index += 1
            while index < characters.count, characters[index] == " " { index += 1 }
            var value = ""
            if index < characters.count, characters[index] == "\"", let end = closingQuote(characters, from: index) {
                let quoted = String(characters[index...end])
                value = unquote(quoted) ?? String(quoted.dropFirst().dropLast())
                index = end + 1
                while index < characters.count, characters[index] != "," { index += 1 }
                index += 1
            } else {
                let valueStart = index
                while index < characters.count, characters[index] != "," { index += 1 }
                value = String(characters[valueStart..<index]).trimmingCharacters(in: .whitespaces)
                index += 1
            }
            if !key.isEmpty { fields.append(Field(key, value)) }
        }
        return fields
    }

    /// The index of the quote that closes the string opening at `start`, skipping escapes.
    private static func closingQuote(_ characters: [Character], from start: Int) -> Int? {
        var index = start + 1
        while index < characters.count {
            if characters[index] == "\\" { index += 2; continue }
            if characters[index] == "\"" { return index }
            index += 1
        }
        return nil
    }

    private static func unquote(_ quoted: String) -> String? {
        guard let data = quoted.data(using: .utf8),
              let value = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) as? String
        else { return nil }
        return value
    }
}
