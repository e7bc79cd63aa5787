import Foundation
import DiTEngine

extension FuzzTarget {
    /// A model `config.json` (or `model_index.json`, `scheduler_config.json`): parsed, then read by
    /// every model config reader, and what the readers accept combined into the image geometry the
    /// studio checks sizes against. Accepted when at least one reader accepts it.
    public static let modelConfig = FuzzTarget(
        name: "model-config",
        summary: "a model config.json: JSON, the transformer/VAE/CLIP config readers, image geometry"
    ) { input in
        let config = try ModelConfig(data: Data(input), name: "config.json")
        var firstError: Error?
        func attempt<T>(_ read: () throws -> T) -> T? {
            do { return try read() } catch { firstError = firstError ?? error; return nil }
        }
        let transformer = attempt { try SD3TransformerConfig(config) }
        let vae = attempt { try AutoencoderKLConfig(config) }
        let clip = attempt { try CLIPTextConfig(config) }
        let shift = attempt { try config.float("shift", default: 3) }
        if let transformer {
            let geometry = ImageGeometry(transformer: transformer, downsamplingFactor: vae?.downsamplingFactor ?? 1)
            consume(geometry.maxPixelsPerSide)
            consume(try? geometry.validate(width: 64, height: 64))
            // `dit-studio generate`'s default size: sample_size latent cells × the VAE factor.
            consume(try? config.int("sample_size", default: 128) * geometry.downsamplingFactor)
        }
        if transformer == nil, vae == nil, clip == nil, shift == nil, let firstError { throw firstError }
    }
}
