/// An edit of an existing image (issue [7/8]): what to do, with its own parameters, and the image it
/// starts from. The prompt, seed, steps and the rest come from the job's `GenerateParameters`.
public enum EditOperation: Codable, Hashable, Sendable {
    /// Noise the source to `strength` (0, 1] of the schedule and sample from there.
    case img2img(source: ImageReference, strength: Double)
    /// Regenerate the inside of `boxes` with the job's prompt; pixels outside stay identical.
    case inpaint(source: ImageReference, boxes: [RegionBox])
    /// Change `sourcePrompt` into `targetPrompt` by attention injection, keeping the rest.
    case inject(source: ImageReference, sourcePrompt: String, targetPrompt: String)
    /// A new seed from the source at a low `strength`.
    case variation(source: ImageReference, strength: Double)

    public var mode: EditMode {
        switch self {
        case .img2img: return .img2img
        case .inpaint: return .inpaint
        case .inject: return .inject
        case .variation: return .variation
        }
    }

    public var source: ImageReference {
        switch self {
        case let .img2img(source, _), let .inpaint(source, _), let .inject(source, _, _), let .variation(source, _):
            return source
        }
    }

    enum CodingKeys: String, CodingKey {
        case mode, source, strength, boxes
        case sourcePrompt = "source_prompt"
        case targetPrompt = "target_prompt"
    }

    /// `{"mode": "img2img", "source": {...}, "strength": 0.6}`: flat and explicit, so the JSON in
    /// journals and PNGs stays readable and stable.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let source = try container.decode(ImageReference.self, forKey: .source)
        switch try container.decode(EditMode.self, forKey: .mode) {
        case .img2img:
            self = .img2img(source: source, strength: try container.decode(Double.self, forKey: .strength))
        case .inpaint:
            self = .inpaint(source: source, boxes: try container.decode([RegionBox].self, forKey: .boxes))
        case .inject:
            self = .inject(source: source, sourcePrompt: try container.decode(String.self, forKey: .sourcePrompt),
                           targetPrompt: try container.decode(String.self, forKey: .targetPrompt))
        case .variation:
            self = .variation(source: source, strength: try container.decode(Double.self, forKey: .strength))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mode, forKey: .mode)
        try container.encode(source, forKey: .source)
        switch self {
        case let .img2img(_, strength), let .variation(_, strength):
            try container.encode(strength, forKey: .strength)
        case let .inpaint(_, boxes):
            try container.encode(boxes, forKey: .boxes)
        case let .inject(_, sourcePrompt, targetPrompt):
            try container.encode(sourcePrompt, forKey: .sourcePrompt)
            try container.encode(targetPrompt, forKey: .targetPrompt)
        }
    }
}
