import Foundation

/// A loaded text-to-image model: tokenizer, CLIP text encoder and MMDiT, read from a diffusers
/// directory. The VAE (for latent models) is loaded separately from `vaeDirectory`.
/// Not safe for concurrent use: one thread (the worker that owns it) at a time.
public final class DiffusionModel: @unchecked Sendable {
    public let directory: URL
    public let layout: ModelDirectory
    public let tokenizer: Tokenizer
    public let textEncoder: CLIPTextEncoder
    public let transformer: SD3Transformer

    /// `vae/` for a latent model, nil for a pixel-space model.
    public var vaeDirectory: URL? { layout.vaeDirectory }
    public var hasVAE: Bool { layout.hasVAE }

    /// Loads every part, checking configs, weight names and shapes; throws `EngineError` naming
    /// the file, key or tensor at fault.
    public init(directory: URL) throws {
        layout = try ModelDirectory(url: directory)
        self.directory = layout.url
        textEncoder = try CLIPTextEncoder(directory: layout.textEncoderDirectory)
        tokenizer = try Tokenizer(url: layout.tokenizerURL, contextLength: textEncoder.config.maxPositionEmbeddings)
        transformer = try SD3Transformer(directory: layout.transformerDirectory)
        let pooledWidth = textEncoder.config.withProjection ? textEncoder.config.projectionDim : textEncoder.config.hiddenSize
        guard transformer.config.jointAttentionDim == textEncoder.config.hiddenSize else {
            throw EngineError.invalidConfig(file: "transformer/config.json", key: "joint_attention_dim",
                                            reason: "is \(transformer.config.jointAttentionDim) but the text encoder's hidden_size is \(textEncoder.config.hiddenSize); the transformer and text encoder do not belong together")
        }
        guard transformer.config.pooledProjectionDim == pooledWidth else {
            throw EngineError.invalidConfig(file: "transformer/config.json", key: "pooled_projection_dim",
                                            reason: "is \(transformer.config.pooledProjectionDim) but the text encoder's pooled output has \(pooledWidth) features; the transformer and text encoder do not belong together")
        }
    }

    /// Tokenises and encodes a prompt (the empty prompt gives the unconditional branch).
    public func encode(prompt: String) throws -> (tokens: TokenizedText, conditioning: TextConditioning) {
        let tokens = tokenizer.encode(prompt)
        return (tokens, try textEncoder.encode(ids: tokens.ids))
    }
}

extension SD3Transformer {
    /// Loads `config.json` and `diffusion_pytorch_model.safetensors` from a diffusers
    /// `transformer/` directory.
    public convenience init(directory: URL) throws {
        let config = try ModelConfig(contentsOf: directory.appendingPathComponent("config.json"),
                                     name: "transformer/config.json")
        let weights = try WeightLoader(safetensorsAt: directory.appendingPathComponent("diffusion_pytorch_model.safetensors"),
                                       name: "transformer/diffusion_pytorch_model.safetensors")
        try self.init(config: SD3TransformerConfig(config), weights: weights)
    }
}

extension CLIPTextEncoder {
    /// Loads `config.json` and `model.safetensors` from a transformers `text_encoder/` directory.
    public convenience init(directory: URL) throws {
        let config = try ModelConfig(contentsOf: directory.appendingPathComponent("config.json"),
                                     name: "text_encoder/config.json")
        let weights = try WeightLoader(safetensorsAt: directory.appendingPathComponent("model.safetensors"),
                                       name: "text_encoder/model.safetensors")
        try self.init(config: CLIPTextConfig(config), weights: weights)
    }
}
