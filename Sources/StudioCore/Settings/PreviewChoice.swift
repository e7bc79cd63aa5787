/// How the studio previews a running job's steps. Kept apart from the engine's `PreviewMode` (as
/// `SamplerChoice` is from the engine's sampler) so that settings and the panel do not change when
/// the engine is refactored.
public enum PreviewChoice: String, Codable, Sendable, CaseIterable {
    /// The VAE decode every preview: exact, about one more transformer step each.
    case exact
    /// The model's cheap latent → RGB map (exact when the model has none).
    case approximate
    /// Approximate during the run, exact on the final step (or exact throughout when a decode is cheap).
    case auto

    /// What the settings panel shows.
    public var displayName: String {
        switch self {
        case .exact: return "exact (VAE decode)"
        case .approximate: return "approximate (fast)"
        case .auto: return "auto (fast, exact last)"
        }
    }
}
