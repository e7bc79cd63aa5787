/// The editing operations. They are named here so that jobs, presets and metadata
/// have one vocabulary; whether an engine can run them is its `EngineCapabilities` to say.
public enum EditMode: String, Codable, Sendable, CaseIterable {
    /// SDEdit: noise the source to a strength and sample from there.
    case img2img
    /// Regenerate inside boxes (or a mask), keep every pixel outside.
    case inpaint
    /// Stable-Flow attention injection: edit with a target prompt while keeping the source's layout.
    case inject
    /// Same prompt, new seed, starting from the source at a low strength.
    case variation

    /// How messages and the queue name it.
    public var displayName: String {
        switch self {
        case .img2img: return "img2img"
        case .inpaint: return "inpainting"
        case .inject: return "attention-injection editing"
        case .variation: return "variations of an image"
        }
    }
}
