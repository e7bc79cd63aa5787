import DiTEngine
import Foundation

/// Why a preset or theme file (TOML) was refused. Every message names the file, the line where it
/// could be found, and the key, so that the user can go and fix it.
public enum ConfigFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The file is not valid TOML; `excerpt` is the offending line.
    case invalidTOML(file: String, line: Int, column: Int, reason: String, excerpt: String)
    /// A key holds a value of the wrong type or outside its range.
    case invalidValue(file: String, line: Int?, key: String, reason: String)
    /// A required key is absent.
    case missingKey(file: String, key: String, reason: String)
    /// The file asks for something this build cannot do yet (e.g. an editing operation).
    case unavailable(file: String, line: Int?, key: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .invalidTOML(file, line, column, reason, excerpt):
            let shown = excerpt.trimmingCharacters(in: .whitespaces)
            return "\(file):\(line):\(column): invalid TOML: \(reason)" + (shown.isEmpty ? "" : " (in `\(shown)`)")
        case let .invalidValue(file, line, key, reason):
            return "\(Self.location(file, line)): key '\(key)': \(reason)"
        case let .missingKey(file, key, reason):
            return "\(file): key '\(key)' is missing: \(reason)"
        case let .unavailable(file, line, key, reason):
            return "\(Self.location(file, line)): key '\(key)': \(reason)"
        }
    }

    /// The file the error is about.
    public var file: String {
        switch self {
        case let .unreadable(file, _), let .invalidTOML(file, _, _, _, _), let .invalidValue(file, _, _, _),
             let .missingKey(file, _, _), let .unavailable(file, _, _, _):
            return file
        }
    }

    static func location(_ file: String, _ line: Int?) -> String {
        line.map { "\(file):\($0)" } ?? file
    }
}

/// Something in a config file that was ignored but probably is a mistake (an unknown key).
public struct ConfigWarning: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String
    public var message: String

    public init(file: String, line: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        "\(ConfigFileError.location(file, line)): warning: \(message)"
    }
}

extension ConfigFileError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .unreadable, .invalidTOML, .invalidValue, .missingKey, .unavailable: return .badInput
        }
    }
}
