import Foundation

/// A regional-prompting layout (issue [6/8]): a base prompt for the whole image, regions with their
/// own prompts, and how strongly the base is blended in. The engine's method parameters
/// (`injectSteps`, `blockInterval`) are optional: nil = the model's defaults.
///
/// This is the type the TUI's layout editor edits, that queue jobs and presets carry and that PNG
/// metadata records. Running a layout needs an engine with regional prompting; none has it yet.
public struct Layout: Codable, Hashable, Sendable {
    public var basePrompt: String
    /// β in [0, 1]: the share of the base branch in the image tokens' attention output.
    public var baseRatio: Double
    public var regions: [LayoutRegion]
    public var injectSteps: Int?
    public var blockInterval: Int?

    public init(basePrompt: String, baseRatio: Double = 0.3, regions: [LayoutRegion],
                injectSteps: Int? = nil, blockInterval: Int? = nil) {
        self.basePrompt = basePrompt
        self.baseRatio = baseRatio
        self.regions = regions
        self.injectSteps = injectSteps
        self.blockInterval = blockInterval
    }

    enum CodingKeys: String, CodingKey {
        case basePrompt = "base_prompt"
        case baseRatio = "base_ratio"
        case regions
        case injectSteps = "inject_steps"
        case blockInterval = "block_interval"
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
    }
}
