/// How image sizes map onto a model: pixels → (VAE) latent cells → transformer patches.
///
/// A size is usable when width and height are multiples of `patchSize · downsamplingFactor` and
/// the patch grid fits the position-embedding table (`pos_embed_max_size` patches a side).
public struct ImageGeometry: Sendable, Equatable {
    /// The transformer's `patch_size`.
    public var patchSize: Int
    /// The transformer's `pos_embed_max_size` (patches per side), nil when unbounded.
    public var maxPatchesPerSide: Int?
    /// The transformer's `in_channels`: the channels of the sampled tensor.
    public var channels: Int
    /// Pixels per latent cell per side (VAE factor); 1 for a pixel-space model.
    public var downsamplingFactor: Int

    public init(patchSize: Int, maxPatchesPerSide: Int?, channels: Int, downsamplingFactor: Int = 1) {
        self.patchSize = patchSize
        self.maxPatchesPerSide = maxPatchesPerSide
        self.channels = channels
        self.downsamplingFactor = downsamplingFactor
    }

    /// Sizes must be multiples of this many pixels.
    public var pixelMultiple: Int { patchSize * downsamplingFactor }

    /// The largest width or height in pixels, nil when unbounded. Saturates at `Int.max`: config
    /// integers are bounded one by one, but their product can still overflow.
    public var maxPixelsPerSide: Int? {
        maxPatchesPerSide.map { patches in
            let (pixels, overflow) = patches.multipliedReportingOverflow(by: pixelMultiple)
            return overflow ? Int.max : pixels
        }
    }

    /// The sampled tensor's shape `[1, C, H/f, W/f]` for an image of `width × height` pixels.
    public func noiseShape(width: Int, height: Int) -> [Int] {
        [1, channels, height / downsamplingFactor, width / downsamplingFactor]
    }

    /// Throws `GenerationError.invalidRequest` naming the rule the size breaks.
    public func validate(width: Int, height: Int) throws {
        let multiple = pixelMultiple
        guard width >= multiple, height >= multiple, width % multiple == 0, height % multiple == 0 else {
            throw GenerationError.invalidRequest(
                "size \(width)x\(height) is not usable: width and height must be positive multiples of \(multiple) "
                + "(patch size \(patchSize)\(downsamplingFactor > 1 ? " × VAE factor \(downsamplingFactor)" : ""))")
        }
        if let limit = maxPixelsPerSide, width > limit || height > limit {
            throw GenerationError.invalidRequest(
                "size \(width)x\(height) is too large for this model: at most \(limit)x\(limit) "
                + "(pos_embed_max_size \(maxPatchesPerSide!) patches of \(multiple) pixels)")
        }
        let tokens = (width / multiple) * (height / multiple)
        if tokens > Self.maximumImageTokens {
            throw GenerationError.invalidRequest(
                "size \(width)x\(height) would need \(tokens) image tokens; this engine takes at most \(Self.maximumImageTokens) "
                + "(joint attention holds a tokens × tokens score matrix per head)")
        }
    }

    /// The most image tokens one image may have: 4× a 1024² SD3 image (4096 tokens), and a bound that
    /// keeps attention's score matrix (tokens² floats per head) within memory for models that have no
    /// `pos_embed_max_size` to limit their size.
    public static let maximumImageTokens = 16_384
}
