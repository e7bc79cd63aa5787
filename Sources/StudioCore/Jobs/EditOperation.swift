/// An edit of an existing image: what to do, with its own parameters, and the image it starts from.
/// The prompt, seed, steps and the rest come from the job's `GenerateParameters`.
public enum EditOperation: Codable, Hashable, Sendable {
    /// Noise the source to `strength` (0, 1] of the schedule and sample from there.
    case img2img(source: ImageReference, strength: Double)
    /// Regenerate the inside of `boxes` and of `mask` (a PNG, white = regenerate) with the job's
    /// prompt, from `strength` of the schedule; pixels outside stay identical. `feather` pixels
    /// inside the edge blend into the source.
    case inpaint(source: ImageReference, boxes: [RegionBox], mask: String? = nil, strength: Double = 1, feather: Int = 0)
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
        case let .img2img(source, _), let .inpaint(source, _, _, _, _), let .inject(source, _, _), let .variation(source, _):
            return source
        }
    }

    enum CodingKeys: String, CodingKey {
        case mode, source, strength, boxes, mask, feather
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
            self = .inpaint(source: source, boxes: try container.decodeIfPresent([RegionBox].self, forKey: .boxes) ?? [],
                            mask: try container.decodeIfPresent(String.self, forKey: .mask),
                            strength: try container.decodeIfPresent(Double.self, forKey: .strength) ?? 1,
                            feather: try container.decodeIfPresent(Int.self, forKey: .feather) ?? 0)
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
        case let .inpaint(_, boxes, mask, strength, feather):
            try container.encode(boxes, forKey: .boxes)
            try container.encodeIfPresent(mask, forKey: .mask)
            if strength != 1 { try container.encode(strength, forKey: .strength) }
            if feather != 0 { try container.encode(feather, forKey: .feather) }
        case let .inject(_, sourcePrompt, targetPrompt):
            try container.encode(sourcePrompt, forKey: .sourcePrompt)
            try container.encode(targetPrompt, forKey: .targetPrompt)
        }
    }
}

extension EditOperation {
    /// The same edit of another image.
    public func withSource(_ source: ImageReference) -> EditOperation {
        switch self {
        case let .img2img(_, strength): return .img2img(source: source, strength: strength)
        case let .inpaint(_, boxes, mask, strength, feather):
            return .inpaint(source: source, boxes: boxes, mask: mask, strength: strength, feather: feather)
        case let .inject(_, sourcePrompt, targetPrompt):
            return .inject(source: source, sourcePrompt: sourcePrompt, targetPrompt: targetPrompt)
        case let .variation(_, strength): return .variation(source: source, strength: strength)
        }
    }
}
