import TOMLKit

/// A TOML value as a plain Swift value. TOMLKit's types wrap C++ pointers and are neither
/// `Sendable` nor cheap to pass around, so documents are converted once, right after parsing.
public indirect enum ConfigValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])
    /// Dates and times, which no studio file uses; kept as text for messages.
    case other(String)

    /// The type as a TOML user would name it, for messages.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        case .other: return "a date or time"
        }
    }

    init(_ value: TOMLValueConvertible) {
        switch value.type {
        case .string: self = .string(value.string ?? "")
        case .int: self = .integer(value.int ?? 0)
        case .double: self = .float(value.double ?? 0)
        case .bool: self = .bool(value.bool ?? false)
        case .array:
            self = .array(value.array.map { array in array.map { ConfigValue($0) } } ?? [])
        case .table:
            self = .table(value.table.map(ConfigValue.dictionary) ?? [:])
        default:
            self = .other(value.debugDescription)
        }
    }

    static func dictionary(_ table: TOMLTable) -> [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for (key, value) in table {
            result[key] = ConfigValue(value)
        }
        return result
    }
}
