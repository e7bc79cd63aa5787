/// Everything that defines one image, apart from the model: the same request and model give the
/// same image. Defaults follow SD3's (shift 3) with the studio's small-model step count.
public struct GenerationRequest: Sendable, Equatable, Codable {
    public var prompt: String
    /// The unconditional branch of guidance; empty = the empty prompt.
    public var negativePrompt: String
    public var seed: UInt64
    public var steps: Int
    /// Classifier-free guidance scale g (1 = no guidance, conditional branch only).
    public var guidanceScale: Float
    /// Timestep shift of the flow-matching schedule.
    public var shift: Double
    public var sampler: SamplerKind
    public var noise: NoiseKind
    /// Image size in pixels.
    public var width: Int
    public var height: Int
    /// Regions with prompts of their own (`prompt` is then the base prompt); nil for plain generation.
    public var regional: RegionalPrompt?
    /// Feature caching; nil (or an empty plan) for the plain run.
    public var cache: CachePlan?

    public init(prompt: String, negativePrompt: String = "", seed: UInt64 = 0, steps: Int = 20,
                guidanceScale: Float = 5, shift: Double = 3, sampler: SamplerKind = .euler,
                noise: NoiseKind = .torch, width: Int = 64, height: Int = 64, regional: RegionalPrompt? = nil,
                cache: CachePlan? = nil) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.steps = steps
        self.guidanceScale = guidanceScale
        self.shift = shift
        self.sampler = sampler
        self.noise = noise
        self.width = width
        self.height = height
        self.regional = regional
        self.cache = cache
    }

    /// Checks the parameters that do not depend on the model (steps, guidance, shift, size > 0).
    public func validateParameters() throws {
        guard steps >= 1 else { throw GenerationError.invalidRequest("steps must be at least 1 (got \(steps))") }
        guard steps <= 10_000 else { throw GenerationError.invalidRequest("steps must be at most 10000 (got \(steps))") }
        guard guidanceScale.isFinite, guidanceScale >= 0 else {
            throw GenerationError.invalidRequest("the guidance scale (cfg) must be a number ≥ 0 (got \(guidanceScale))")
        }
        guard shift.isFinite, shift > 0 else {
            throw GenerationError.invalidRequest("the shift must be a number > 0 (got \(shift))")
        }
        guard width >= 1, height >= 1 else {
            throw GenerationError.invalidRequest("the image size must be positive (got \(width)x\(height))")
        }
        try regional?.validate()
        try cache?.validate()
    }

    /// Checks everything, including that the size fits `geometry`.
    public func validate(for geometry: ImageGeometry) throws {
        try validateParameters()
        try geometry.validate(width: width, height: height)
    }
}
