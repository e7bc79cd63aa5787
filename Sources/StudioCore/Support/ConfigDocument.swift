import DiTEngine
import Foundation
import TOMLKit

/// A parsed TOML config file (a preset or a theme) with typed look-ups whose errors name the file,
/// the line and the key, and which collects warnings for keys nobody asked for.
///
/// TOMLKit reports positions only for syntax errors, so the line of a key is found by scanning the
/// source for `key =` under the right `[table]` / `[[array]]` header — good for messages, which is
/// all it is used for.
public final class ConfigDocument {
    /// The path shown in messages.
    public let file: String
    public let root: ConfigTable
    /// Unknown keys found so far, in the order they were checked.
    public private(set) var warnings: [ConfigWarning] = []
    private let keyLines: [String: Int]

    /// Parses `text`; throws `ConfigFileError.invalidTOML` with the line and column of a syntax error
    /// or of a control character TOML forbids (checked first: TOMLKit hands the text to C++ as a C
    /// string, so a NUL would silently end the file there).
    public init(file: String, text: String) throws {
        self.file = file
        if let control = ForbiddenControlCharacter.first(in: Array(text.utf8), syntax: .toml) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let excerpt = control.line <= lines.count ? TerminalText.line(String(lines[control.line - 1])) : ""
            throw ConfigFileError.invalidTOML(file: file, line: control.line, column: control.column,
                                              reason: control.reason, excerpt: excerpt)
        }
        if let trap = TOMLParserTraps.first(in: text) {
            throw ConfigFileError.invalidTOML(file: file, line: trap.line, column: trap.column,
                                              reason: "\(trap.reason), not '\(trap.found.escaped(asASCII: true))'",
                                              excerpt: trap.lineText)
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let excerpt = (1...max(1, lines.count)).contains(line) && line <= lines.count ? String(lines[line - 1]) : ""
            throw ConfigFileError.invalidTOML(file: file, line: line, column: error.source.begin.column,
                                              reason: error.description, excerpt: excerpt)
        }
        keyLines = Self.indexKeyLines(text)
        root = ConfigTable(path: "", values: ConfigValue.dictionary(table))
    }

    /// Reads and parses the file at `url`; `displayPath` is what messages call it.
    public convenience init(contentsOf url: URL, displayPath: String? = nil) throws {
        let shown = displayPath ?? url.path
        let text: String
        let data: Data
        do {
            // A preset or theme is a few kilobytes; 4 MiB is far beyond any real one.
            data = try InputFile.read(url, maximumBytes: 4 << 20)
        } catch let error as InputFileError {
            throw ConfigFileError.unreadable(file: shown, reason: error.reason)
        }
        guard let decoded = String(data: data, encoding: .utf8) else {
            throw ConfigFileError.unreadable(file: shown, reason: "not UTF-8 text")
        }
        text = decoded
        try self.init(file: shown, text: text)
    }

    /// The 1-based line where `keyPath` (e.g. `settings.steps`, `operations.2.op`) is set, if found.
    public func line(of keyPath: String) -> Int? {
        keyLines[keyPath] ?? keyLines[keyPath.split(separator: ".").dropLast().joined(separator: ".")]
    }

    /// An error about the value at `key` of `table`.
    public func invalid(_ table: ConfigTable, _ key: String, _ reason: String) -> ConfigFileError {
        let path = table.keyPath(key)
        return .invalidValue(file: file, line: line(of: path), key: path, reason: reason)
    }

    /// An error for a feature that is named in the format but not available yet.
    public func unavailable(_ table: ConfigTable, _ key: String, _ reason: String) -> ConfigFileError {
        let path = table.keyPath(key)
        return .unavailable(file: file, line: line(of: path), key: path, reason: reason)
    }

    /// Records a warning of the caller's own.
    public func appendWarning(_ warning: ConfigWarning) {
        warnings.append(warning)
    }

    /// Records a warning, with a "did you mean" hint, for every key of `table` not in `known`.
    public func warnAboutUnknownKeys(in table: ConfigTable, known: [String]) {
        for key in table.values.keys.sorted() where !known.contains(key) {
            let path = table.keyPath(key)
            warnings.append(ConfigWarning(
                file: file, line: line(of: path), key: path,
                message: "unknown key '\(path)' ignored" + EditDistance.hint(for: key, among: known)))
        }
    }

    // MARK: - Typed look-ups (nil when the key is absent; an error when it has the wrong type)

    public func string(_ table: ConfigTable, _ key: String) throws -> String? {
        guard let value = table.values[key] else { return nil }
        guard case let .string(text) = value else { throw invalid(table, key, "expected a string, found \(value.typeName)") }
        return text
    }

    public func integer(_ table: ConfigTable, _ key: String, in range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let value = table.values[key] else { return nil }
        guard case let .integer(number) = value else {
            throw invalid(table, key, "expected an integer, found \(value.typeName)")
        }
        if let range, !range.contains(number) {
            throw invalid(table, key, "must be between \(range.lowerBound) and \(range.upperBound) (got \(number))")
        }
        return number
    }

    /// A number; integers are accepted too (`guidance = 4`).
    public func number(_ table: ConfigTable, _ key: String) throws -> Double? {
        switch table.values[key] {
        case nil: return nil
        case let .integer(number)?: return Double(number)
        case let .float(number)?: return number
        case let value?: throw invalid(table, key, "expected a number, found \(value.typeName)")
        }
    }

    public func bool(_ table: ConfigTable, _ key: String) throws -> Bool? {
        guard let value = table.values[key] else { return nil }
        guard case let .bool(flag) = value else { throw invalid(table, key, "expected true or false, found \(value.typeName)") }
        return flag
    }

    public func table(_ table: ConfigTable, _ key: String) throws -> ConfigTable? {
        guard let value = table.values[key] else { return nil }
        guard case let .table(values) = value else { throw invalid(table, key, "expected a table, found \(value.typeName)") }
        return ConfigTable(path: table.keyPath(key), values: values)
    }

    /// An array of tables (`[[operations]]`), numbered from 1 in key paths.
    public func tables(_ table: ConfigTable, _ key: String) throws -> [ConfigTable]? {
        guard let value = table.values[key] else { return nil }
        guard case let .array(items) = value else {
            throw invalid(table, key, "expected an array of tables ([[\(key)]]), found \(value.typeName)")
        }
        return try items.enumerated().map { index, item in
            guard case let .table(values) = item else {
                throw invalid(table, key, "item \(index + 1) should be a table, found \(item.typeName)")
            }
            return ConfigTable(path: table.keyPath("\(key).\(index + 1)"), values: values)
        }
    }

    public func array(_ table: ConfigTable, _ key: String) throws -> [ConfigValue]? {
        guard let value = table.values[key] else { return nil }
        guard case let .array(items) = value else { throw invalid(table, key, "expected an array, found \(value.typeName)") }
        return items
    }

    /// A string that must be one of `choices`.
    public func choice(_ table: ConfigTable, _ key: String, _ choices: [String]) throws -> String? {
        guard let text = try string(table, key) else { return nil }
        guard choices.contains(text) else {
            throw invalid(table, key, "'\(text)' is not one of \(choices.joined(separator: ", "))"
                          + EditDistance.hint(for: text, among: choices))
        }
        return text
    }

    // MARK: - Key lines

    /// `table.path.key` → 1-based line, for the first place each key is set. Array-of-tables
    /// headers are numbered from 1 in the order they appear.
    static func indexKeyLines(_ text: String) -> [String: Int] {
        var index: [String: Int] = [:]
        var current = ""
        var arrayCounts: [String: Int] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[[") {
                let name = headerName(line, brackets: 2)
                arrayCounts[name, default: 0] += 1
                current = "\(name).\(arrayCounts[name, default: 1])"
                if index[current] == nil { index[current] = number + 1 }
                if index[name] == nil { index[name] = number + 1 }
            } else if line.hasPrefix("[") {
                current = headerName(line, brackets: 1)
                if index[current] == nil { index[current] = number + 1 }
            } else if !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") {
                let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                    .split(separator: ".").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")) }
                    .joined(separator: ".")
                guard !key.isEmpty else { continue }
                let path = current.isEmpty ? key : "\(current).\(key)"
                if index[path] == nil { index[path] = number + 1 }
            }
        }
        return index
    }

    private static func headerName(_ line: String, brackets: Int) -> String {
        var name = line.dropFirst(brackets)
        if let close = name.firstIndex(of: "]") { name = name[..<close] }
        return name.split(separator: ".").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")) }
            .joined(separator: ".")
    }
}

/// One table of a config document and where it sits (`settings`, `operations.2`).
public struct ConfigTable: Equatable, Sendable {
    public var path: String
    public var values: [String: ConfigValue]

    public func keyPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}
