import Foundation

/// diffusers' `AutoencoderKL` — the VAE of SD/SD3-family latent models — on the CPU.
///
/// The decoder turns the diffusion model's latents into images (every final image, and every
/// step's preview); the encoder gives the posterior mean of an image (img2img, inpainting).
/// Convolutions are im2col + sgemm and every intermediate lives in a workspace that is reused from
/// call to call, so decoding a preview at every sampling step allocates only the tensors it
/// hands back (and, in `decodeLatents`, the normalised copy of its input).
///
/// Latent normalisation follows SD3: the diffusion model sees `z = (mean − shift) · scaling`,
/// so `decodeLatents` (a `LatentDecoder` method) decodes `z / scaling + shift` and `encodeLatents`
/// returns the former.
/// Calls are serialised by a lock (one workspace); use one instance per worker for parallelism.
public final class AutoencoderKL: @unchecked Sendable {
    public let config: AutoencoderKLConfig
    let encoder: AutoencoderKLEncoder
    let decoder: AutoencoderKLDecoder
    private let workspace = AutoencoderKLWorkspace()
    private let lock = NSLock()

    /// The weights file name diffusers' `save_pretrained` writes.
    public static let weightsFileName = "diffusion_pytorch_model.safetensors"

    /// Loads a `vae/` directory: `config.json` and `diffusion_pytorch_model.safetensors`.
    public convenience init(directory: URL) throws {
        let folder = directory.lastPathComponent
        let config = try AutoencoderKLConfig(ModelConfig(contentsOf: directory.appendingPathComponent("config.json"),
                                                         name: "\(folder)/config.json"))
        let weights = try WeightLoader(safetensorsAt: directory.appendingPathComponent(Self.weightsFileName),
                                       name: "\(folder)/\(Self.weightsFileName)")
        try self.init(config: config, weights: weights)
    }

    /// Builds the model from `config`, loading every weight from `weights` and checking that no
    /// tensor is missing, misshapen or left over.
    public init(config: AutoencoderKLConfig, weights: WeightLoader) throws {
        self.config = config
        encoder = try AutoencoderKLEncoder(weights.root, config: config)
        decoder = try AutoencoderKLDecoder(weights.root, config: config)
        try weights.verifyAllUsed()
    }

    /// `scaling_factor` of the config.
    public var scalingFactor: Float { config.scalingFactor }
    /// `shift_factor` of the config (0 when null or absent).
    public var shiftFactor: Float { config.shiftFactor }
    /// Pixels per latent cell along each side, `2^(len(block_out_channels) − 1)`.
    public var downsamplingFactor: Int { config.downsamplingFactor }

    /// Decodes raw latents `z` `[B, latent_channels, h, w]` (no normalisation applied) into images
    /// `[B, out_channels, h·f, w·f]`, roughly in [−1, 1].
    public func decode(_ z: Tensor) throws -> Tensor {
        guard z.rank == 4, z.shape[0] > 0, z.shape[1] == config.latentChannels, z.shape[2] > 0, z.shape[3] > 0 else {
            throw EngineError.invalidInput("the VAE decoder expects latents [batch, \(config.latentChannels), height, width], got \(z.shape)")
        }
        lock.lock()
        defer { lock.unlock() }
        return decoder.decode(z, workspace: workspace)
    }

    /// The posterior mean `[B, latent_channels, h, w]` (before shift and scaling) of images `x`
    /// `[B, in_channels, H, W]` with values in [−1, 1]; h = ⌊(H − 2)/2⌋ + 1 per level, which is
    /// H / f when H is a multiple of f.
    public func encodeMean(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.shape[0] > 0, x.shape[1] == config.inChannels else {
            throw EngineError.invalidInput("the VAE encoder expects images [batch, \(config.inChannels), height, width], got \(x.shape)")
        }
        guard latentSize(height: x.shape[2], width: x.shape[3]) != nil else {
            throw EngineError.invalidInput("an image of \(x.shape[3])×\(x.shape[2]) pixels is too small for the VAE encoder (at least \(downsamplingFactor)×\(downsamplingFactor))")
        }
        lock.lock()
        defer { lock.unlock() }
        return encoder.mean(x, workspace: workspace)
    }

    /// Encodes images into the diffusion model's normalisation: `(mean − shift) · scaling`.
    public func encodeLatents(_ x: Tensor) throws -> Tensor {
        let (scaling, shift) = (scalingFactor, shiftFactor)
        var latents = try encodeMean(x)
        latents.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] = (values[i] - shift) * scaling }
        }
        return latents
    }

    /// The latent size the encoder gives for an image of `height × width`, or nil when the image
    /// is too small for its stride-2 convolutions.
    public func latentSize(height: Int, width: Int) -> (height: Int, width: Int)? {
        var (h, w) = (height, width)
        guard h > 0, w > 0 else { return nil }
        for block in encoder.downBlocks {
            guard let downsampler = block.downsampler else { continue }
            guard let next = downsampler.conv.outputSize(height: h, width: w) else { return nil }
            (h, w) = next
        }
        return (h, w)
    }
}
