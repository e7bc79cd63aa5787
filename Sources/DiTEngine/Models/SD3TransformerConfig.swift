/// The configuration of a diffusers `SD3Transformer2DModel`, read from `transformer/config.json`
/// with diffusers' own defaults for absent keys.
public struct SD3TransformerConfig: Sendable, Equatable {
    /// How queries and keys are normalised per head before attention.
    public enum QKNorm: String, Sendable {
        case rmsNorm = "rms_norm"
    }

    public var sampleSize: Int
    public var patchSize: Int
    public var inChannels: Int
    public var numLayers: Int
    public var attentionHeadDim: Int
    public var numAttentionHeads: Int
    public var jointAttentionDim: Int
    public var captionProjectionDim: Int
    public var pooledProjectionDim: Int
    public var outChannels: Int
    /// The side of the saved position-embedding grid; nil computes the grid per input size.
    public var posEmbedMaxSize: Int?
    /// Blocks with a second, image-only self-attention (SD3.5's MMDiT-X).
    public var dualAttentionLayers: Set<Int>
    public var qkNorm: QKNorm?

    /// The transformer's width, `heads × head_dim`.
    public var innerDim: Int { numAttentionHeads * attentionHeadDim }

    public init(sampleSize: Int = 128, patchSize: Int = 2, inChannels: Int = 16, numLayers: Int = 18,
                attentionHeadDim: Int = 64, numAttentionHeads: Int = 18, jointAttentionDim: Int = 4096,
                captionProjectionDim: Int = 1152, pooledProjectionDim: Int = 2048, outChannels: Int? = nil,
                posEmbedMaxSize: Int? = 96, dualAttentionLayers: Set<Int> = [], qkNorm: QKNorm? = nil) {
        self.sampleSize = sampleSize
        self.patchSize = patchSize
        self.inChannels = inChannels
        self.numLayers = numLayers
        self.attentionHeadDim = attentionHeadDim
        self.numAttentionHeads = numAttentionHeads
        self.jointAttentionDim = jointAttentionDim
        self.captionProjectionDim = captionProjectionDim
        self.pooledProjectionDim = pooledProjectionDim
        self.outChannels = outChannels ?? inChannels
        self.posEmbedMaxSize = posEmbedMaxSize
        self.dualAttentionLayers = dualAttentionLayers
        self.qkNorm = qkNorm
    }

    /// Reads a diffusers config, refusing what this engine would compute differently.
    public init(_ config: ModelConfig) throws {
        if let className = try config.optionalString("_class_name"), className != "SD3Transformer2DModel" {
            throw EngineError.unsupportedConfig(file: config.name, key: "_class_name", value: "\"\(className)\"")
        }
        let inChannels = try config.int("in_channels", default: 16)
        let qkNormName = try config.optionalString("qk_norm")
        var qkNorm: QKNorm?
        if let qkNormName {
            guard let known = QKNorm(rawValue: qkNormName) else {
                throw EngineError.unsupportedConfig(file: config.name, key: "qk_norm", value: "\"\(qkNormName)\"")
            }
            qkNorm = known
        }
        self.init(sampleSize: try config.int("sample_size", default: 128),
                  patchSize: try config.int("patch_size", default: 2),
                  inChannels: inChannels,
                  numLayers: try config.int("num_layers", default: 18),
                  attentionHeadDim: try config.int("attention_head_dim", default: 64),
                  numAttentionHeads: try config.int("num_attention_heads", default: 18),
                  jointAttentionDim: try config.int("joint_attention_dim", default: 4096),
                  captionProjectionDim: try config.int("caption_projection_dim", default: 1152),
                  pooledProjectionDim: try config.int("pooled_projection_dim", default: 2048),
                  outChannels: try config.int("out_channels", default: inChannels),
                  posEmbedMaxSize: config.values["pos_embed_max_size"] == .null
                      ? nil : try config.int("pos_embed_max_size", default: 96),
                  dualAttentionLayers: Set(try config.intList("dual_attention_layers")),
                  qkNorm: qkNorm)
        // Keys of neighbouring diffusers transformers that would change the math if someone
        // edited them into an SD3 config; SD3 itself has them fixed to these values.
        try config.refuse(unless: [
            "pos_embed_type": [.string("sincos")],
            "interpolation_scale": [.number(1), .null],
            "use_pos_embed": [.bool(true)],
            "guidance_embeds": [.bool(false)],
        ])
        if captionProjectionDim != innerDim {
            throw EngineError.invalidConfig(file: config.name, key: "caption_projection_dim",
                                            reason: "must equal num_attention_heads × attention_head_dim = \(innerDim) (the joint attention needs text and image tokens of one width), got \(captionProjectionDim)")
        }
        if innerDim % 4 != 0 && posEmbedMaxSize == nil {
            throw EngineError.invalidConfig(file: config.name, key: "attention_head_dim",
                                            reason: "the width \(innerDim) must be divisible by 4 for the sin-cos position embedding")
        }
    }
}
