/// An edit of a source image: the request's prompt, seed, steps and guidance apply, and the run
/// starts from the source instead of pure noise.
///
/// Conventions (rectified flow): `x_σ = (1 − σ)·x₀ + σ·ε`; the source enters as its encoder latent
/// `(mean − shift_factor)·scaling_factor` (the image itself for a pixel-space model).
public struct EditRequest: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        /// SDEdit: the schedule cut as diffusers' img2img cuts it at `strength` ∈ (0, 1], the
        /// source noised to the first remaining σ with the request's noise, then plain sampling.
        case img2img(strength: Double)
        /// img2img inside `mask` (white = regenerate, the image's size); after every step the
        /// known area is put back, the source noised to the next σ with the same noise, and the
        /// final pixels outside the mask are the source's own. `feather` pixels inside the mask's
        /// edge blend the result into the source.
        case inpaint(mask: RegionMask, strength: Double, feather: Int)
        /// Stable Flow: invert the source with `sourcePrompt`, then sample the request's prompt from
        /// the inverted noise with the reference branch's image keys and values injected in
        /// `vitalBlocks` (see `AttentionInjection`).
        case inject(sourcePrompt: String, vitalBlocks: [Int])
    }

    public var mode: Mode
    /// The source image: width × height × 3 bytes of RGB at the request's size.
    public var source: [UInt8]

    public init(mode: Mode, source: [UInt8]) {
        self.mode = mode
        self.source = source
    }

    /// Throws `GenerationError.invalidRequest` for a strength outside (0, 1], a source or mask of
    /// another size, an empty mask or a negative feather.
    public func validate(width: Int, height: Int) throws {
        guard source.count == width * height * 3 else {
            throw GenerationError.invalidRequest("the source image has \(source.count) bytes; a \(width)x\(height) RGB image has \(width * height * 3)")
        }
        let strength: Double
        switch mode {
        case let .inject(sourcePrompt, vitalBlocks):
            guard !sourcePrompt.isEmpty else {
                throw GenerationError.invalidRequest("an injection edit needs a source prompt that describes the source image")
            }
            guard !vitalBlocks.isEmpty else {
                throw GenerationError.invalidRequest("an injection edit needs the model's vital blocks (none are stored: run `dit-studio vital-layers` for this model)")
            }
            return
        case .img2img(let s):
            strength = s
        case let .inpaint(mask, s, feather):
            strength = s
            guard mask.width == width, mask.height == height else {
                throw GenerationError.invalidRequest("the mask is \(mask.width)x\(mask.height) but the image is \(width)x\(height)")
            }
            guard mask.values.contains(where: { $0 != 0 }) else {
                throw GenerationError.invalidRequest("the mask is empty: nothing to regenerate (white marks what changes)")
            }
            guard feather >= 0 else { throw GenerationError.invalidRequest("the feather must be 0 or more pixels (got \(feather))") }
        }
        guard strength.isFinite, strength > 0, strength <= 1 else {
            throw GenerationError.invalidRequest("the strength must be in (0, 1] (got \(strength))")
        }
    }
}
