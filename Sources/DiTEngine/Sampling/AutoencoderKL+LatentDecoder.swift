/// The VAE of a latent model is the pipeline's codec: it decodes sampled latents (the pipeline
/// applies the latent normalisation, then calls `decode` on raw latents) and encodes source images
/// (`encodeLatents` applies the normalisation itself).
extension AutoencoderKL: LatentDecoder, LatentEncoder {
    public var latentChannels: Int { config.latentChannels }
    public var imageChannels: Int { config.outChannels }
}
