/// The settings a preset bundles: how to generate, how to pick seeds, how many images, and the
/// prompt template. Also the shape of a script operation's overrides (`SettingsPatch`).
public struct PresetSettings: Equatable, Sendable {
    public var steps: Int
    public var guidance: Double
    public var shift: Double
    public var sampler: SamplerChoice
    public var rng: RNGChoice
    public var width: Int
    public var height: Int
    public var seedPolicy: SeedPolicy
    /// The first seed; nil = a random one, drawn when the preset runs (and recorded in the jobs).
    public var seed: UInt64?
    /// Images per generate operation (over seeds chosen by `seedPolicy`).
    public var count: Int
    public var caching: CachingLevel
    /// `{prompt}` stands for the user's prompt, e.g. `{prompt}, flat colours`.
    public var promptTemplate: String
    /// The prompt used when the user gives none.
    public var prompt: String?
    public var negativePrompt: String
    /// A model directory; nil = the default model.
    public var model: String?

    public init(steps: Int = 20, guidance: Double = 4, shift: Double = 1, sampler: SamplerChoice = .euler,
                rng: RNGChoice = .torch, width: Int = 64, height: Int = 64, seedPolicy: SeedPolicy = .increment,
                seed: UInt64? = nil, count: Int = 1, caching: CachingLevel = .off, promptTemplate: String = "{prompt}",
                prompt: String? = nil, negativePrompt: String = "", model: String? = nil) {
        self.steps = steps
        self.guidance = guidance
        self.shift = shift
        self.sampler = sampler
        self.rng = rng
        self.width = width
        self.height = height
        self.seedPolicy = seedPolicy
        self.seed = seed
        self.count = count
        self.caching = caching
        self.promptTemplate = promptTemplate
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.model = model
    }

    /// The built-in fallbacks, for whatever a preset does not say until it is resolved on a
    /// model's defaults (`Preset.resolved(with:)`).
    public static let defaults = ModelDefaults.builtIn.presetSettings

    /// The prompt after the template: `{prompt}` replaced by `prompt`.
    public func expandedPrompt(_ prompt: String) -> String {
        promptTemplate.replacingOccurrences(of: PresetSettings.promptPlaceholder, with: prompt)
    }

    public static let promptPlaceholder = "{prompt}"

    /// Generate parameters for `prompt` (before the template) and `seed`.
    public func parameters(prompt: String, seed: UInt64) -> GenerateParameters {
        GenerateParameters(prompt: expandedPrompt(prompt), negativePrompt: negativePrompt, seed: seed, steps: steps,
                           guidance: guidance, shift: shift, sampler: sampler, rng: rng, width: width, height: height,
                           model: model, caching: caching)
    }
}

/// Some settings changed (a script operation's overrides, one value of a sweep): nil = unchanged.
public struct SettingsPatch: Equatable, Sendable {
    public var steps: Int?
    public var guidance: Double?
    public var shift: Double?
    public var sampler: SamplerChoice?
    public var rng: RNGChoice?
    public var size: (width: Int, height: Int)?
    public var seedPolicy: SeedPolicy?
    public var count: Int?
    public var promptTemplate: String?
    public var negativePrompt: String?
    /// A model directory (e.g. `dit-studio run --model`); recorded in each job, so images say which model made them.
    public var model: String?
    /// A cache level (e.g. `dit-studio run --cache`).
    public var caching: CachingLevel?

    public init() {}

    public func applied(to settings: PresetSettings) -> PresetSettings {
        var result = settings
        if let steps { result.steps = steps }
        if let guidance { result.guidance = guidance }
        if let shift { result.shift = shift }
        if let sampler { result.sampler = sampler }
        if let rng { result.rng = rng }
        if let size { result.width = size.width; result.height = size.height }
        if let seedPolicy { result.seedPolicy = seedPolicy }
        if let count { result.count = count }
        if let promptTemplate { result.promptTemplate = promptTemplate }
        if let negativePrompt { result.negativePrompt = negativePrompt }
        if let model { result.model = model }
        if let caching { result.caching = caching }
        return result
    }

    /// The patch with `other`'s values on top.
    public func merged(with other: SettingsPatch) -> SettingsPatch {
        var result = self
        if let value = other.steps { result.steps = value }
        if let value = other.guidance { result.guidance = value }
        if let value = other.shift { result.shift = value }
        if let value = other.sampler { result.sampler = value }
        if let value = other.rng { result.rng = value }
        if let value = other.size { result.size = value }
        if let value = other.seedPolicy { result.seedPolicy = value }
        if let value = other.count { result.count = value }
        if let value = other.promptTemplate { result.promptTemplate = value }
        if let value = other.negativePrompt { result.negativePrompt = value }
        if let value = other.model { result.model = value }
        if let value = other.caching { result.caching = value }
        return result
    }

    public static func == (lhs: SettingsPatch, rhs: SettingsPatch) -> Bool {
        lhs.steps == rhs.steps && lhs.guidance == rhs.guidance && lhs.shift == rhs.shift && lhs.sampler == rhs.sampler
            && lhs.rng == rhs.rng && lhs.size?.width == rhs.size?.width && lhs.size?.height == rhs.size?.height
            && lhs.seedPolicy == rhs.seedPolicy && lhs.count == rhs.count && lhs.promptTemplate == rhs.promptTemplate
            && lhs.negativePrompt == rhs.negativePrompt && lhs.model == rhs.model && lhs.caching == rhs.caching
    }

    /// `guidance 2`, `steps 30 · shift 3`: how a sweep value is labelled.
    public var summary: String {
        var parts: [String] = []
        if let steps { parts.append("steps \(steps)") }
        if let guidance { parts.append("cfg \(A1111Parameters.format(guidance))") }
        if let shift { parts.append("shift \(A1111Parameters.format(shift))") }
        if let sampler { parts.append(sampler.rawValue) }
        if let rng { parts.append("rng \(rng.rawValue)") }
        if let size { parts.append("\(size.width)x\(size.height)") }
        return parts.joined(separator: " · ")
    }
}
