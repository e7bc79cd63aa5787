/// How much feature caching a job may use to go faster: `off`, `fast` or `faster`. What each level
/// does on a model comes from the model's studio.json (`ModelCacheDefaults`), calibrated there; an
/// engine advertises the levels it knows in its capabilities and other names are refused at enqueue.
public struct CachingLevel: RawRepresentable, Hashable, Codable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// No caching: every step runs the whole model.
    public static let off: CachingLevel = "off"
    /// Caching tuned to keep the images close to the plain run's (about 1.6× on the built-in model).
    public static let fast: CachingLevel = "fast"
    /// More caching, more drift (about 2.2× on the built-in model).
    public static let faster: CachingLevel = "faster"

    /// The levels there are, from none to the most.
    public static let levels: [CachingLevel] = [.off, .fast, .faster]

    /// Why `text` is not a level, or nil when it is one.
    public static func problem(_ text: String) -> String? {
        levels.contains(CachingLevel(rawValue: text)) ? nil
            : "'\(text)' is not a cache level (use " + levels.map(\.rawValue).joined(separator: ", ") + ")"
    }

    /// For the settings panel: the level and what it means.
    public var summary: String {
        switch self {
        case .off: return "off (every step computed)"
        case .fast: return "fast (close to off)"
        case .faster: return "faster (drifts more)"
        default: return rawValue
        }
    }

    public var description: String { rawValue }
}
