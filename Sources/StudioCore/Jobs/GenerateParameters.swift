/// Everything that decides one generated image, apart from the model's weights: the same
/// parameters and model give the same pixels. Stored in journals and PNG metadata as JSON with
/// stable snake_case keys.
public struct GenerateParameters: Codable, Hashable, Sendable {
    public var prompt: String
    /// The unconditional branch of guidance; empty = the empty prompt.
    public var negativePrompt: String
    /// The seed actually used (a seed policy decides it before the job is queued).
    public var seed: UInt64
    public var steps: Int
    /// Classifier-free guidance scale ("CFG scale"); 1 = conditional branch only.
    public var guidance: Double
    /// Timestep shift of the flow-matching schedule.
    public var shift: Double
    public var sampler: SamplerChoice
    public var rng: RNGChoice
    public var width: Int
    public var height: Int
    /// A model directory; nil = the studio's default model.
    public var model: String?
    /// Feature caching level (a name only; see `CachingLevel`).
    public var caching: CachingLevel

    public init(prompt: String, negativePrompt: String = "", seed: UInt64 = 0, steps: Int = 20,
                guidance: Double = 4, shift: Double = 1, sampler: SamplerChoice = .euler,
                rng: RNGChoice = .torch, width: Int = 64, height: Int = 64, model: String? = nil,
                caching: CachingLevel = .off) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.steps = steps
        self.guidance = guidance
        self.shift = shift
        self.sampler = sampler
        self.rng = rng
        self.width = width
        self.height = height
        self.model = model
        self.caching = caching
    }

    enum CodingKeys: String, CodingKey {
        case prompt
        case negativePrompt = "negative_prompt"
        case seed, steps, guidance, shift, sampler, rng, width, height, model, caching
    }

    /// Missing optional keys (negative prompt, model, caching) take their defaults so that files
    /// written by older versions still load; the keys that decide pixels are required.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try container.decode(String.self, forKey: .prompt)
        negativePrompt = try container.decodeIfPresent(String.self, forKey: .negativePrompt) ?? ""
        seed = try container.decode(UInt64.self, forKey: .seed)
        steps = try container.decode(Int.self, forKey: .steps)
        guidance = try container.decode(Double.self, forKey: .guidance)
        shift = try container.decode(Double.self, forKey: .shift)
        sampler = try container.decode(SamplerChoice.self, forKey: .sampler)
        rng = try container.decode(RNGChoice.self, forKey: .rng)
        width = try container.decode(Int.self, forKey: .width)
        height = try container.decode(Int.self, forKey: .height)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        caching = try container.decodeIfPresent(CachingLevel.self, forKey: .caching) ?? .off
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(negativePrompt, forKey: .negativePrompt)
        try container.encode(seed, forKey: .seed)
        try container.encode(steps, forKey: .steps)
        try container.encode(guidance, forKey: .guidance)
        try container.encode(shift, forKey: .shift)
        try container.encode(sampler, forKey: .sampler)
        try container.encode(rng, forKey: .rng)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encode(caching, forKey: .caching)
    }

    /// `64x64`.
    public var sizeDescription: String { "\(width)x\(height)" }
}
