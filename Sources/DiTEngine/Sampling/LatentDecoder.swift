/// Turns sampled latents into an image: the VAE step of a latent model, absent for a pixel-space
/// model. An `AutoencoderKL` conforms to this; `decodeLatents` applies the latent normalisation
/// (`z / scaling_factor + shift_factor`, both from `vae/config.json`) and then `decode`.
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

extension LatentDecoder {
    /// Images for sampled latents in the diffusion model's normalisation: `decode(z / scaling + shift)`.
    public func decodeLatents(_ z: Tensor) throws -> Tensor {
        let (scaling, shift) = (scalingFactor, shiftFactor)
        var latents = z
        latents.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] = values[i] / scaling + shift }
        }
        return try decode(latents)
    }
}

/// Turns images into the diffusion model's latents: the other direction of a latent model's VAE,
/// for edits that start from an image (img2img, inpainting, inversion).
public protocol LatentEncoder: AnyObject {
    /// Latents in the diffusion model's normalisation, `(mean − shift_factor) · scaling_factor`, of
    /// images `[B, 3, H, W]` in [−1, 1].
    func encodeLatents(_ images: Tensor) throws -> Tensor
}
