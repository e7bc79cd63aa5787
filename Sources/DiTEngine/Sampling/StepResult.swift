/// What one finished sampling step reports to the caller (for previews and progress).
public struct StepResult: Sendable {
    /// 0-based index of the step just taken.
    public let index: Int
    /// Number of steps in the run.
    public let total: Int
    /// The noise level the step started from, and the one it reached.
    public let sigma: Float
    public let nextSigma: Float
    /// The predicted clean sample `x₀ = x − σ·v` at the start of the step (latents for a latent
    /// model: decode it like the final sample to preview it).
    public let predictedClean: Tensor
    /// The sample after the step (`x` at `nextSigma`).
    public let sample: Tensor
    /// Model evaluations this step cost (2 per Heun corrector step).
    public let evaluations: Int

    /// Whether this was the last step.
    public var isLast: Bool { index + 1 == total }
}
