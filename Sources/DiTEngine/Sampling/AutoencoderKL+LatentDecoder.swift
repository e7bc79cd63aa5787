/// The VAE of a latent model is the pipeline's decoder (the pipeline applies the latent
/// normalisation itself, then calls `decode` on raw latents).
extension AutoencoderKL: LatentDecoder {
    public var latentChannels: Int { config.latentChannels }
    public var imageChannels: Int { config.outChannels }
}
