import Foundation

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
        try self.init(data: try EngineError.readInput(url), name: name, url: url)
    }

    /// Parses JSON `data`; `url` is used in messages.
    public init(data: Data, name: String, url: URL? = nil) throws {
        let decoded: JSONValue
        if let control = ForbiddenControlCharacter.first(in: [UInt8](data), syntax: .json) {
            throw EngineError.invalidFile(url ?? URL(fileURLWithPath: name), reason: control.description)
        }
        // Real configs nest two or three levels; a hostile file must not recurse the decoder deep.
        guard data.withUnsafeBytes({ JSONValue.nestingDepth(of: $0) }) <= 16 else {
            throw EngineError.invalidFile(url ?? URL(fileURLWithPath: name), reason: "nests arrays or objects more than 16 levels deep")
        }
        do { decoded = try JSONValue.parse(data) } catch {
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

    /// A number without a fraction (`4` or `4.0`), as a Double; nil otherwise.
    static func integral(_ value: JSONValue) -> Double? {
        guard let number = value.doubleValue, number.isFinite, number == number.rounded() else { return nil }
        return number
    }

    public func int(_ key: String, default defaultValue: Int? = nil, allowZero: Bool = false) throws -> Int {
        if let value = values[key], let number = Self.integral(value) {
            guard abs(number) <= Double(Self.integerLimit) else {
                throw EngineError.invalidConfig(file: name, key: key, reason: "is \(value.summary), beyond any real model (at most \(Self.integerLimit))")
            }
            let integer = Int(number)
            guard integer > 0 || (allowZero && integer == 0) else {
                throw EngineError.invalidConfig(file: name, key: key, reason: "must be \(allowZero ? "≥ 0" : "> 0"), got \(integer)")
            }
            return integer
        }
        switch values[key] {
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
        case let value? where value.doubleValue?.isFinite ?? false:
            return Float(value.doubleValue ?? 0)
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
                guard let value = Self.integral(item), abs(value) <= Double(Self.integerLimit) else {
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
