import Foundation

/// The one JSON style of the studio's files (journals, PNG metadata): keys sorted and slashes not
/// escaped, so the same value always gives the same bytes and diffs stay readable.
public enum StudioJSON {
    public static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func encodeString<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try JSONDecoder().decode(type, from: data)
    }

    /// A short reason for a decoding failure (what was wrong and the key path), for messages.
    public static func describe(_ error: Error) -> String {
        if case let .keyNotFound(key, context)? = error as? DecodingError {
            let keys = context.codingPath.map(name)
            return "key '\(key.stringValue)' is missing" + (keys.isEmpty ? "" : " at '\(keys.joined(separator: "."))'")
        }
        return reason(error) + (keyPath(of: error).map { " at '\($0)'" } ?? "")
    }

    /// The key path a decoding failure is about (`parameters.steps`; a missing key included), or nil
    /// when the failure is not about one key (the text is not JSON at all).
    public static func keyPath(of error: Error) -> String? {
        guard let error = error as? DecodingError else { return nil }
        var keys: [String]
        switch error {
        case let .keyNotFound(key, context): keys = context.codingPath.map(name) + [key.stringValue]
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            keys = context.codingPath.map(name)
        @unknown default: keys = []
        }
        return keys.isEmpty ? nil : keys.joined(separator: ".")
    }

    /// What was wrong, without the key path: `is missing`, `expected to decode Int but found a
    /// string instead`, `not valid JSON (unescaped control character around character 8)`.
    public static func reason(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case .keyNotFound:
            return "is missing"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return sentence(context.debugDescription)
        case let .dataCorrupted(context):
            var text = sentence(context.debugDescription)
            if let underlying = context.underlyingError as NSError?,
               let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
                text += " (\(sentence(detail)))"
            }
            return text
        @unknown default:
            return String(describing: error)
        }
    }

    private static func name(_ key: CodingKey) -> String {
        key.intValue.map(String.init) ?? key.stringValue
    }

    /// Foundation's sentences as a message fragment: lower-case start, no final full stop.
    private static func sentence(_ text: String) -> String {
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix(".") { text.removeLast() }
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
