/// One line of a session journal: the session's header (first line), a note that the session was
/// opened, or a queue event. Every line is a JSON object with a `type`.
public enum JournalRecord: Codable, Equatable, Sendable {
    case header(SessionHeader)
    case opened(at: Timestamp, software: String)
    case queue(QueueEvent)

    enum CodingKeys: String, CodingKey {
        case type, at, software
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "session":
            self = .header(try SessionHeader(from: decoder))
        case "opened":
            self = .opened(at: try container.decode(Timestamp.self, forKey: .at),
                           software: try container.decodeIfPresent(String.self, forKey: .software) ?? "")
        default:
            guard QueueEvent.isQueueEventType(type) else {
                throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                       debugDescription: "unknown record type '\(type)' (written by a newer dit-studio?)")
            }
            self = .queue(try QueueEvent(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .header(header):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("session", forKey: .type)
            try header.encode(to: encoder)
        case let .opened(at, software):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("opened", forKey: .type)
            try container.encode(at, forKey: .at)
            try container.encode(software, forKey: .software)
        case let .queue(event):
            try event.encode(to: encoder)
        }
    }
}

/// The first line of a journal: which session this is and where its images go.
public struct SessionHeader: Codable, Equatable, Sendable {
    public var format: Int
    public var id: String
    public var createdAt: Timestamp
    /// Where images are written when not in the session directory itself (e.g. `run --out-dir`).
    public var imageDirectory: String?

    public static let currentFormat = 1

    public init(id: String, createdAt: Timestamp, imageDirectory: String?) {
        self.format = Self.currentFormat
        self.id = id
        self.createdAt = createdAt
        self.imageDirectory = imageDirectory
    }

    enum CodingKeys: String, CodingKey {
        case format, id
        case createdAt = "created_at"
        case imageDirectory = "image_directory"
    }
}
