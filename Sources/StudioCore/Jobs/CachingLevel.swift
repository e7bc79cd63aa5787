/// How much feature caching a job may use to go faster. Only a name for now: the engine has no
/// caching yet and advertises `off` alone in its capabilities; other names are refused at enqueue.
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

    public var description: String { rawValue }
}
