/// What a job does: text to image, a regional layout, or an edit of an image. The queue, journals,
/// presets and metadata already speak about them, and an engine without the capability refuses
/// them at enqueue with a message that says so (see `EngineCapabilities`).
public enum JobKind: Codable, Hashable, Sendable {
    /// Text to image.
    case generate
    /// Text to image with regions of the image given their own prompts.
    case regional(Layout)
    /// An edit of an existing image.
    case edit(EditOperation)

    enum CodingKeys: String, CodingKey {
        case type, layout, edit
    }

    enum KindName: String, Codable {
        case generate, regional, edit
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(KindName.self, forKey: .type) {
        case .generate: self = .generate
        case .regional: self = .regional(try container.decode(Layout.self, forKey: .layout))
        case .edit: self = .edit(try container.decode(EditOperation.self, forKey: .edit))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .generate:
            try container.encode(KindName.generate, forKey: .type)
        case let .regional(layout):
            try container.encode(KindName.regional, forKey: .type)
            try container.encode(layout, forKey: .layout)
        case let .edit(operation):
            try container.encode(KindName.edit, forKey: .type)
            try container.encode(operation, forKey: .edit)
        }
    }

    /// A few words for the queue: `generate`, `layout · 3 regions`, `inpaint ← #7`.
    public var summary: String {
        switch self {
        case .generate:
            return "generate"
        case let .regional(layout):
            return "layout · \(layout.regions.count) region\(layout.regions.count == 1 ? "" : "s")"
        case let .edit(operation):
            return "\(operation.mode.rawValue) ← \(operation.source.shortDescription)"
        }
    }
}
