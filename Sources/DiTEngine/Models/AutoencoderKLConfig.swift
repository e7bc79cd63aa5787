/// The configuration of a diffusers `AutoencoderKL`, read from `vae/config.json` with diffusers'
/// own defaults for absent keys.
///
/// Only the plain SD/SD3 family is implemented: `DownEncoderBlock2D` / `UpDecoderBlock2D` blocks,
/// SiLU, group norms and a single-head mid-block attention. Any other block type or activation,
/// and per-channel latent statistics (`latents_mean` / `latents_std`), are refused with an error
/// that names the key, so a model the engine would decode differently never loads.
public struct AutoencoderKLConfig: Sendable, Equatable {
    /// Image channels (3 for RGB) into the encoder.
    public var inChannels: Int
    /// Image channels out of the decoder.
    public var outChannels: Int
    /// Channels of each resolution level, finest first; one down (and up) block per entry.
    public var blockOutChannels: [Int]
    /// ResNet blocks per encoder block (the decoder has one more per block).
    public var layersPerBlock: Int
    public var latentChannels: Int
    public var normNumGroups: Int
    /// `z = (mean − shiftFactor) · scalingFactor` is what the diffusion model sees.
    public var scalingFactor: Float
    /// 0 when the config has `null` or no `shift_factor`.
    public var shiftFactor: Float
    public var useQuantConv: Bool
    public var usePostQuantConv: Bool
    public var midBlockAddAttention: Bool

    /// The side ratio of image to latent, `2^(levels − 1)`.
    public var downsamplingFactor: Int { 1 << (blockOutChannels.count - 1) }

    /// The eps of every GroupNorm in the VAE (diffusers hard-codes it).
    public static let normEps: Float = 1e-6

    public init(inChannels: Int = 3, outChannels: Int = 3, blockOutChannels: [Int] = [64],
                layersPerBlock: Int = 1, latentChannels: Int = 4, normNumGroups: Int = 32,
                scalingFactor: Float = 0.18215, shiftFactor: Float = 0,
                useQuantConv: Bool = true, usePostQuantConv: Bool = true, midBlockAddAttention: Bool = true) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.latentChannels = latentChannels
        self.normNumGroups = normNumGroups
        self.scalingFactor = scalingFactor
        self.shiftFactor = shiftFactor
        self.useQuantConv = useQuantConv
        self.usePostQuantConv = usePostQuantConv
        self.midBlockAddAttention = midBlockAddAttention
    }

    /// More resolution levels than any real VAE has (SD's have 4); bounds the downsampling factor.
    static let maximumLevels = 16

    static let encoderBlockType = "DownEncoderBlock2D"
    static let decoderBlockType = "UpDecoderBlock2D"

    /// Reads a diffusers `AutoencoderKL` config, refusing what this engine would compute differently.
    public init(_ config: ModelConfig) throws {
        if let className = try config.optionalString("_class_name"), className != "AutoencoderKL" {
            throw EngineError.unsupportedConfig(file: config.name, key: "_class_name", value: "\"\(className)\"")
        }
        let activation = try config.optionalString("act_fn") ?? "silu"
        // diffusers maps both names to nn.SiLU.
        guard activation == "silu" || activation == "swish" else {
            throw EngineError.unsupportedConfig(file: config.name, key: "act_fn", value: "\"\(activation)\"")
        }
        let blocks = config.has("block_out_channels") ? try config.intList("block_out_channels") : [64]
        guard !blocks.isEmpty, blocks.count <= Self.maximumLevels, blocks.allSatisfy({ $0 > 0 }) else {
            throw EngineError.invalidConfig(file: config.name, key: "block_out_channels",
                                            reason: "must be a list of 1 to \(Self.maximumLevels) positive channel counts, got \(blocks)")
        }
        for (key, expected) in [("down_block_types", Self.encoderBlockType), ("up_block_types", Self.decoderBlockType)] {
            let types = try Self.stringList(config, key, default: [expected])
            if let other = types.first(where: { $0 != expected }) {
                throw EngineError.unsupportedConfig(file: config.name, key: key, value: "\"\(other)\"")
            }
            guard types.count == blocks.count else {
                throw EngineError.invalidConfig(file: config.name, key: key,
                                                reason: "has \(types.count) entries but block_out_channels has \(blocks.count); they must match")
            }
        }
        for key in ["latents_mean", "latents_std"] where config.has(key) {
            throw EngineError.unsupportedConfig(file: config.name, key: key, value: config.values[key]!.summary)
        }
        self.init(inChannels: try config.int("in_channels", default: 3),
                  outChannels: try config.int("out_channels", default: 3),
                  blockOutChannels: blocks,
                  layersPerBlock: try config.int("layers_per_block", default: 1),
                  latentChannels: try config.int("latent_channels", default: 4),
                  normNumGroups: try config.int("norm_num_groups", default: 32),
                  scalingFactor: try config.float("scaling_factor", default: 0.18215),
                  shiftFactor: try config.float("shift_factor", default: 0),
                  useQuantConv: try Self.bool(config, "use_quant_conv", default: true),
                  usePostQuantConv: try Self.bool(config, "use_post_quant_conv", default: true),
                  midBlockAddAttention: try Self.bool(config, "mid_block_add_attention", default: true))
        guard scalingFactor != 0 else {
            throw EngineError.invalidConfig(file: config.name, key: "scaling_factor", reason: "must not be 0 (latents are divided by it)")
        }
        if let uneven = blocks.first(where: { $0 % normNumGroups != 0 }) {
            throw EngineError.invalidConfig(file: config.name, key: "norm_num_groups",
                                            reason: "= \(normNumGroups) does not divide the channel count \(uneven) of block_out_channels")
        }
    }

    /// A boolean key; `defaultValue` when absent or null.
    private static func bool(_ config: ModelConfig, _ key: String, default defaultValue: Bool) throws -> Bool {
        switch config.values[key] {
        case .bool(let value)?: return value
        case nil, .null?: return defaultValue
        case let other?:
            throw EngineError.invalidConfig(file: config.name, key: key, reason: "must be true or false, got \(other.summary)")
        }
    }

    /// A list of strings; `defaultValue` when absent or null.
    private static func stringList(_ config: ModelConfig, _ key: String, default defaultValue: [String]) throws -> [String] {
        switch config.values[key] {
        case .array(let items)?:
            return try items.map { item in
                guard case .string(let value) = item else {
                    throw EngineError.invalidConfig(file: config.name, key: key, reason: "must be a list of strings, got \(item.summary)")
                }
                return value
            }
        case nil, .null?: return defaultValue
        case let other?:
            throw EngineError.invalidConfig(file: config.name, key: key, reason: "must be a list of strings, got \(other.summary)")
        }
    }
}
