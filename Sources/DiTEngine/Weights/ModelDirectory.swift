import Foundation

/// A model in the diffusers layout: `model_index.json`, `transformer/`, `text_encoder/`,
/// `tokenizer/` and, for a latent model, `vae/`. Finding the parts and checking they are there is
/// this type's job; building the networks is `DiffusionModel`'s.
public struct ModelDirectory: Sendable {
    public let url: URL
    /// `model_index.json`.
    public let index: ModelConfig

    /// Opens `url` and checks the files every model needs.
    public init(url: URL) throws {
        self.url = url.standardizedFileURL
        index = try ModelConfig(contentsOf: self.url.appendingPathComponent("model_index.json"), name: "model_index.json")
        // This engine conditions on one CLIP; SD3's second CLIP and T5 would need encoders it lacks.
        for extra in ["text_encoder_2", "text_encoder_3"] {
            if let entry = index.values[extra], !ModelDirectory.isEmptyEntry(entry) {
                throw EngineError.unsupportedConfig(file: "model_index.json", key: extra, value: entry.summary)
            }
        }
        for required in [transformerConfigURL, transformerWeightsURL, textEncoderConfigURL,
                         textEncoderWeightsURL, tokenizerURL] {
            guard FileManager.default.fileExists(atPath: required.path) else { throw EngineError.missingFile(required) }
        }
    }

    public var transformerDirectory: URL { url.appendingPathComponent("transformer") }
    public var transformerConfigURL: URL { transformerDirectory.appendingPathComponent("config.json") }
    public var transformerWeightsURL: URL { transformerDirectory.appendingPathComponent("diffusion_pytorch_model.safetensors") }
    public var textEncoderDirectory: URL { url.appendingPathComponent("text_encoder") }
    public var textEncoderConfigURL: URL { textEncoderDirectory.appendingPathComponent("config.json") }
    public var textEncoderWeightsURL: URL { textEncoderDirectory.appendingPathComponent("model.safetensors") }
    public var tokenizerURL: URL { url.appendingPathComponent("tokenizer/tokenizer.json") }

    /// `vae/` when the model has an autoencoder (latent model): `vae/config.json` exists and
    /// `model_index.json` does not mark the slot empty. nil for a pixel-space model.
    public var vaeDirectory: URL? {
        if let entry = index.values["vae"], ModelDirectory.isEmptyEntry(entry) { return nil }
        let directory = url.appendingPathComponent("vae")
        let config = directory.appendingPathComponent("config.json")
        return FileManager.default.fileExists(atPath: config.path) ? directory : nil
    }

    /// Whether the model decodes through a VAE.
    public var hasVAE: Bool { vaeDirectory != nil }

    /// `preview_map.json`: the optional cheap latent → RGB map for step previews (`LatentPreviewMap`).
    public var previewMapURL: URL { url.appendingPathComponent(LatentPreviewMap.fileName) }

    /// `[null, null]` (or null) marks an absent component in `model_index.json`.
    static func isEmptyEntry(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .array(let items): return items.allSatisfy { $0 == .null }
        default: return false
        }
    }
}
