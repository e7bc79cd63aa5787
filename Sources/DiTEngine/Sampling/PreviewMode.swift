/// How a step's preview (its predicted clean sample x₀) becomes an image.
public enum PreviewMode: String, CaseIterable, Sendable {
    /// The VAE decode, as the final image: exact, but it costs about a transformer step.
    case exact
    /// The model's `LatentPreviewMap`: a rough image for a few multiply-adds per latent pixel
    /// (the exact decode when the model has no usable map).
    case approximate
    /// Chosen per step by cost: `Decoding.choose` below.
    case auto
}

extension PreviewMode {
    /// The decode a preview gets.
    public enum Decoding: Equatable, Sendable {
        case exact
        case approximate
    }

    /// Under `auto`, the exact decode is used on every step when it costs at most this share of a
    /// step (a small model on a fast machine, or a huge step): a preview a user cannot tell from
    /// the final image, for a slowdown they cannot notice either.
    public static let cheapDecodeShare = 0.05

    /// The decode for the preview of step `step` (1-based) of `total`.
    /// - Parameters:
    ///   - hasMap: whether the model has a usable preview map (without one, every preview is exact).
    ///   - decodeSeconds: what an exact decode has cost, when one has been timed.
    ///   - stepSeconds: what a sampling step has cost, when one has been timed.
    ///
    /// `auto` is approximate during the run and exact on the final step (so the last preview is the
    /// finished image), and exact throughout once a decode has been measured to cost at most
    /// `cheapDecodeShare` of a step.
    public func decoding(step: Int, of total: Int, hasMap: Bool, decodeSeconds: Double? = nil,
                         stepSeconds: Double? = nil) -> Decoding {
        guard hasMap else { return .exact }
        switch self {
        case .exact: return .exact
        case .approximate: return .approximate
        case .auto:
            if step >= total { return .exact }
            if let decodeSeconds, let stepSeconds, stepSeconds > 0, decodeSeconds <= Self.cheapDecodeShare * stepSeconds {
                return .exact
            }
            return .approximate
        }
    }
}
