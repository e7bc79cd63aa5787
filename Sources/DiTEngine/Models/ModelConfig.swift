import Foundation

/// A JSON value as found in `config.json` files (kept untyped so that unknown keys can be inspected).
public enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// A short rendering for error messages.
    public var summary: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let value): return "\"\(value)\""
        case .array(let values): return "[" + values.map(\.summary).joined(separator: ", ") + "]"
        case .object: return "{…}"
        }
    }
}

/// A model's `config.json` (diffusers or transformers), with typed accessors whose errors name
/// the file and the key.
public struct ModelConfig: Sendable {
    /// The file name used in messages, e.g. `transformer/config.json`.
    public let name: String
    public let values: [String: JSONValue]

    public init(name: String, values: [String: JSONValue]) {
        self.name = name
        self.values = values
    }

    /// Reads and parses `url`; `name` is what messages call it.
    public init(contentsOf url: URL, name: String) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw EngineError.missingFile(url) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EngineError.invalidFile(url, reason: error.localizedDescription)
        }
        try self.init(data: data, name: name, url: url)
    }

    /// Parses JSON `data`; `url` is used in messages.
    public init(data: Data, name: String, url: URL? = nil) throws {
        let decoded: JSONValue
        do { decoded = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw EngineError.invalidFile(url ?? URL(fileURLWithPath: name), reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard case .object(let object) = decoded else {
            throw EngineError.invalidFile(url ?? URL(fileURLWithPath: name), reason: "expected a JSON object at the top level")
        }
        self.init(name: name, values: object)
    }

    /// Whether `key` is present with a non-null value.
    public func has(_ key: String) -> Bool {
        if let value = values[key], value != .null { return true }
        return false
    }

    /// A positive (or, with `allowZero`, non-negative) integer; `defaultValue` when absent.
    /// The largest integer a config value may hold: far above any real model's sizes (2²⁴), low enough
    /// that products of a few of them (widths × heads, grid sides²) cannot overflow or allocate absurdly.
    public static let integerLimit = 1 << 24

    public func int(_ key: String, default defaultValue: Int? = nil, allowZero: Bool = false) throws -> Int {
        switch values[key] {
        case .number(let value)? where value == value.rounded() && abs(value) > Double(Self.integerLimit):
            throw EngineError.invalidConfig(file: name, key: key, reason: "is \(JSONValue.number(value).summary), beyond any real model (at most \(Self.integerLimit))")
        case .number(let value)? where value == value.rounded():
            let integer = Int(value)
            guard integer > 0 || (allowZero && integer == 0) else {
                throw EngineError.invalidConfig(file: name, key: key, reason: "must be \(allowZero ? "≥ 0" : "> 0"), got \(integer)")
            }
            return integer
        case nil, .null?:
            if let defaultValue { return defaultValue }
            throw EngineError.invalidConfig(file: name, key: key, reason: "is missing")
        case let other?:
            throw EngineError.invalidConfig(file: name, key: key, reason: "must be an integer, got \(other.summary)")
        }
    }

    /// A finite number; `defaultValue` when absent.
    public func float(_ key: String, default defaultValue: Float? = nil) throws -> Float {
        switch values[key] {
        case .number(let value)? where value.isFinite:
            return Float(value)
        case nil, .null?:
            if let defaultValue { return defaultValue }
            throw EngineError.invalidConfig(file: name, key: key, reason: "is missing")
        case let other?:
            throw EngineError.invalidConfig(file: name, key: key, reason: "must be a number, got \(other.summary)")
        }
    }

    /// A string, or nil when absent or null.
    public func optionalString(_ key: String) throws -> String? {
        switch values[key] {
        case .string(let value)?: return value
        case nil, .null?: return nil
        case let other?:
            throw EngineError.invalidConfig(file: name, key: key, reason: "must be a string, got \(other.summary)")
        }
    }

    /// A list of integers (a JSON array), `[]` when absent or null.
    public func intList(_ key: String) throws -> [Int] {
        switch values[key] {
        case .array(let items)?:
            return try items.map { item in
                guard case .number(let value) = item, value == value.rounded(), abs(value) <= Double(Self.integerLimit) else {
                    throw EngineError.invalidConfig(file: name, key: key, reason: "must be a list of integers, got \(item.summary)")
                }
                return Int(value)
            }
        case nil, .null?: return []
        case let other?:
            throw EngineError.invalidConfig(file: name, key: key, reason: "must be a list of integers, got \(other.summary)")
        }
    }

    /// Refuses keys that change the model's math in a way this engine does not implement: each
    /// entry maps a key to the values that are fine (the engine's behaviour); any other present
    /// value throws `unsupportedConfig`.
    public func refuse(unless allowed: [String: [JSONValue]]) throws {
        for (key, fine) in allowed.sorted(by: { $0.key < $1.key }) {
            guard let value = values[key] else { continue }
            if !fine.contains(value) {
                throw EngineError.unsupportedConfig(file: name, key: key, value: value.summary)
            }
        }
    }
}
