import DiTEngine
import Foundation

/// A regional-prompting layout: a base prompt for the whole image, regions with their own prompts,
/// and how strongly the base is blended in. The engine's method parameters (`injectSteps`,
/// `blockInterval`, `regionEmphasis`) are optional: nil = the model's defaults.
///
/// This is the type the studio's layout editor edits, that layout files, queue jobs and presets
/// carry and that PNG metadata records. Overlapping regions are allowed: an image token in both
/// sees both prompts (and the image tokens of both regions).
public struct Layout: Codable, Hashable, Sendable {
    public var basePrompt: String
    /// β in [0, 1]: the share of the base branch in the image tokens' attention output.
    public var baseRatio: Double
    public var regions: [LayoutRegion]
    public var injectSteps: Int?
    public var blockInterval: Int?
    /// Added to an image token's attention scores to its regions' text while the mask applies
    /// (0…`maximumEmphasis`; e^E is how much more the region's text counts).
    public var regionEmphasis: Double?
    /// A prompt of its own for the area no region covers; nil: the base prompt alone governs it.
    public var backgroundPrompt: String?

    /// The base ratio a layout gets when it does not say (the method's published setting; on the
    /// built-in model 0.3 and 0.5 placed objects equally well).
    public static let defaultBaseRatio = 0.3

    public init(basePrompt: String, baseRatio: Double = defaultBaseRatio, regions: [LayoutRegion],
                injectSteps: Int? = nil, blockInterval: Int? = nil, backgroundPrompt: String? = nil,
                regionEmphasis: Double? = nil) {
        self.basePrompt = basePrompt
        self.baseRatio = baseRatio
        self.regions = regions
        self.injectSteps = injectSteps
        self.blockInterval = blockInterval
        self.backgroundPrompt = backgroundPrompt
        self.regionEmphasis = regionEmphasis
    }

    /// The largest region emphasis accepted (the engine's limit).
    public static let maximumEmphasis = RegionalPrompt.maximumEmphasis

    /// Why `emphasis` is not a usable region emphasis, or nil (the engine's check).
    public static func emphasisProblem(_ emphasis: Double) -> String? { RegionalPrompt.emphasisProblem(emphasis) }

    /// The most regions a layout may have (each adds one prompt's tokens to the conditional branch).
    public static let maximumRegions = 16

    enum CodingKeys: String, CodingKey {
        case basePrompt = "base_prompt"
        case baseRatio = "base_ratio"
        case regions
        case injectSteps = "inject_steps"
        case blockInterval = "block_interval"
        case backgroundPrompt = "background_prompt"
        case regionEmphasis = "region_emphasis"
    }

    /// Throws `JobError.invalidLayout` for a ratio outside [0, 1], no regions, a bad box or an
    /// empty region prompt.
    public func validate() throws {
        guard baseRatio.isFinite, (0...1).contains(baseRatio) else {
            throw JobError.invalidLayout("the base ratio must be in [0, 1] (got \(baseRatio))")
        }
        guard !regions.isEmpty else {
            throw JobError.invalidLayout("a layout needs at least one region")
        }
        guard regions.count <= Self.maximumRegions else {
            throw JobError.invalidLayout("a layout may have at most \(Self.maximumRegions) regions (got \(regions.count))")
        }
        for (index, region) in regions.enumerated() {
            do {
                try region.box.validate()
            } catch let JobError.invalidLayout(reason) {
                throw JobError.invalidLayout("region \(index + 1): \(reason)")
            }
            guard !region.prompt.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw JobError.invalidLayout("region \(index + 1) has an empty prompt")
            }
        }
        if let injectSteps, injectSteps < 0 {
            throw JobError.invalidLayout("inject steps must be ≥ 0 (got \(injectSteps))")
        }
        if let blockInterval, blockInterval < 1 {
            throw JobError.invalidLayout("block interval must be ≥ 1 (got \(blockInterval))")
        }
        if let regionEmphasis, let problem = Self.emphasisProblem(regionEmphasis) {
            throw JobError.invalidLayout("region emphasis \(problem)")
        }
    }
}
