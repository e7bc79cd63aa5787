import Foundation

extension ImageGeometry {
    /// The geometry of a transformer, with `downsamplingFactor` pixels per sampled cell.
    public init(transformer config: SD3TransformerConfig, downsamplingFactor: Int = 1) {
        self.init(patchSize: config.patchSize, maxPatchesPerSide: config.posEmbedMaxSize,
                  channels: config.inChannels, downsamplingFactor: downsamplingFactor)
    }

    /// Reads only the configs of a model directory (no weights): cheap enough for argument
    /// validation before the model is loaded.
    public init(modelDirectory url: URL) throws {
        let layout = try ModelDirectory(url: url)
        let transformer = try SD3TransformerConfig(ModelConfig(contentsOf: layout.transformerConfigURL,
                                                               name: "transformer/config.json"))
        let factor = try layout.vaeDirectory.map { try Self.vaeDownsamplingFactor(vaeDirectory: $0) } ?? 1
        self.init(transformer: transformer, downsamplingFactor: factor)
    }

    /// diffusers' `vae_scale_factor = 2 ** (len(vae.config.block_out_channels) - 1)`, by the same rules
    /// (defaults and refusals) as the `AutoencoderKL` that will load it.
    public static func vaeDownsamplingFactor(vaeDirectory: URL) throws -> Int {
        let config = try ModelConfig(contentsOf: vaeDirectory.appendingPathComponent("config.json"), name: "vae/config.json")
        return try AutoencoderKLConfig(config).downsamplingFactor
    }
}
