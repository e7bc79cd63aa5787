/// Turns sampled latents into an image: the VAE step of a latent model, absent for a pixel-space
/// model. An `AutoencoderKL` conforms to this; the pipeline applies the latent normalisation
/// (`z / scaling_factor + shift_factor`, both from `vae/config.json`) before calling `decode`.
public protocol LatentDecoder: AnyObject {
    /// `scaling_factor` of `vae/config.json`.
    var scalingFactor: Float { get }
    /// `shift_factor` of `vae/config.json` (0 when absent).
    var shiftFactor: Float { get }
    /// Pixels per latent cell along each side (`2^(len(block_out_channels) − 1)`).
    var downsamplingFactor: Int { get }
    /// Channels of the latents it decodes (`latent_channels`).
    var latentChannels: Int { get }
    /// Channels of the images it produces (`out_channels`; 3 for RGB).
    var imageChannels: Int { get }
    /// Decodes unnormalised latents `[B, C, h, w]` into images `[B, 3, h·f, w·f]` in about [−1, 1].
    func decode(_ latents: Tensor) throws -> Tensor
}
