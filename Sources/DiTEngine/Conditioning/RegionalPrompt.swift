/// A layout for regional prompting: a base prompt for the whole image (in the request), and regions
/// with prompts of their own, each a box or a mask.
///
/// The method is "Training-free Regional Prompting for Diffusion Transformers" adapted to the SD3
/// joint attention: for the first `injectSteps` steps each region's text sees only its region's
/// image tokens (in every `blockInterval`-th block; in the others, all of them), and a base branch
/// with the base prompt and no mask is blended into the image tokens' attention output with weight
/// `baseRatio`. Later steps are plain generation with the base prompt. `emphasis` raises an image
/// token's attention scores to its regions' text during those steps (0: the published method).
public struct RegionalPrompt: Sendable, Equatable, Codable {
    /// Where a region lies.
    public enum Area: Sendable, Equatable, Codable {
        /// Fractions of the image, left/top inclusive: `0 ≤ x0 < x1 ≤ 1`, `0 ≤ y0 < y1 ≤ 1`.
        case box(x0: Double, y0: Double, x1: Double, y1: Double)
        /// A mask of any size, stretched over the image.
        case mask(RegionMask)
    }

    public struct Region: Sendable, Equatable, Codable {
        public var area: Area
        public var prompt: String

        public init(area: Area, prompt: String) {
            self.area = area
            self.prompt = prompt
        }
    }

    public var regions: [Region]
    /// β: the base branch's share of the image tokens' attention output, in [0, 1].
    public var baseRatio: Double
    /// Steps (from the first) that run with the regional attention.
    public var injectSteps: Int
    /// The mask applies in blocks whose index is a multiple of this.
    public var blockInterval: Int
    /// A prompt for the area no region covers (as a region of its own); nil: the base prompt alone.
    public var backgroundPrompt: String?
    /// Added to the scores from image tokens to their regions' text in the masked blocks, in [0, maximumEmphasis].
    public var emphasis: Double

    public init(regions: [Region], baseRatio: Double = 0.3, injectSteps: Int = 8, blockInterval: Int = 1,
                backgroundPrompt: String? = nil, emphasis: Double = 0) {
        self.regions = regions
        self.baseRatio = baseRatio
        self.injectSteps = injectSteps
        self.blockInterval = blockInterval
        self.backgroundPrompt = backgroundPrompt
        self.emphasis = emphasis
    }

    /// The largest emphasis accepted: e^20 ≈ 5·10⁸ already silences every other key.
    public static let maximumEmphasis = 20.0

    /// Why `emphasis` is not a usable region emphasis, or nil.
    public static func emphasisProblem(_ emphasis: Double) -> String? {
        emphasis.isFinite && (0...maximumEmphasis).contains(emphasis)
            ? nil : "must be between 0 and \(Int(maximumEmphasis)) (got \(emphasis))"
    }

    /// The most regions a layout may have (the conditional branch's text grows by one prompt per region).
    public static let maximumRegions = 16

    /// Throws `GenerationError.invalidRequest` naming the region or setting that is wrong.
    public func validate() throws {
        guard !regions.isEmpty else {
            throw GenerationError.invalidRequest("a regional layout needs at least one region")
        }
        guard regions.count <= Self.maximumRegions else {
            throw GenerationError.invalidRequest("a regional layout may have at most \(Self.maximumRegions) regions (got \(regions.count))")
        }
        guard baseRatio.isFinite, (0...1).contains(baseRatio) else {
            throw GenerationError.invalidRequest("the base ratio must be between 0 and 1 (got \(baseRatio))")
        }
        guard injectSteps >= 0 else {
            throw GenerationError.invalidRequest("inject steps must be 0 or more (got \(injectSteps))")
        }
        if let problem = Self.emphasisProblem(emphasis) {
            throw GenerationError.invalidRequest("the region emphasis \(problem)")
        }
        guard blockInterval >= 1 else {
            throw GenerationError.invalidRequest("the block interval must be at least 1 (got \(blockInterval))")
        }
        for (index, region) in regions.enumerated() {
            switch region.area {
            case let .box(x0, y0, x1, y1):
                let values = [x0, y0, x1, y1]
                guard values.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
                    throw GenerationError.invalidRequest("region \(index + 1): the box \(Self.describe(region.area)) must lie within 0…1 on both axes")
                }
                guard x0 < x1, y0 < y1 else {
                    throw GenerationError.invalidRequest("region \(index + 1): the box \(Self.describe(region.area)) has no area (need x0 < x1 and y0 < y1)")
                }
            case .mask(let mask):
                guard mask.values.contains(where: { $0 != 0 }) else {
                    throw GenerationError.invalidRequest("region \(index + 1): the mask is empty (no white pixels)")
                }
            }
        }
    }

    /// `x0,y0,x1,y1` with two decimals, or `mask W×H`.
    public static func describe(_ area: Area) -> String {
        switch area {
        case let .box(x0, y0, x1, y1):
            return [x0, y0, x1, y1].map { String(format2: $0) }.joined(separator: ",")
        case .mask(let mask):
            return "mask \(mask.width)×\(mask.height)"
        }
    }
}

/// A binary mask, row-major, `values[y·width + x] != 0` where the region is.
public struct RegionMask: Sendable, Equatable, Codable {
    public let width: Int
    public let height: Int
    public let values: [UInt8]

    public init(width: Int, height: Int, values: [UInt8]) {
        precondition(width > 0 && height > 0 && values.count == width * height,
                     "a \(width)×\(height) mask needs \(width * height) values, got \(values.count)")
        self.width = width
        self.height = height
        self.values = values
    }
}

extension String {
    /// Two decimals without Foundation's locale-dependent formatting.
    init(format2 value: Double) {
        let scaled = (value * 100).rounded()
        let sign = scaled < 0 ? "-" : ""
        let magnitude = Int(abs(scaled))
        self = "\(sign)\(magnitude / 100).\(magnitude % 100 < 10 ? "0" : "")\(magnitude % 100)"
    }
}
