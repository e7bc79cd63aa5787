/// The text conditioning of one guidance branch at one step: what the transformer reads, and the
/// hooks its blocks consult (nil for a plain forward).
public struct BranchConditioning {
    /// `[1, L, D]`.
    public let context: Tensor
    /// `[1, P]`.
    public let pooled: Tensor
    public let hooks: (any TransformerBlockHooks)?

    /// `context` may be `[L, D]` or `[1, L, D]`, `pooled` `[P]` or `[1, P]`.
    public init(context: Tensor, pooled: Tensor, hooks: (any TransformerBlockHooks)? = nil) {
        self.context = context.rank == 2 ? context.reshaped([1] + context.shape) : context
        self.pooled = pooled.rank == 1 ? pooled.reshaped([1] + pooled.shape) : pooled
        self.hooks = hooks
        precondition(self.context.rank == 3 && self.context.shape[0] == 1 && self.pooled.rank == 2 && self.pooled.shape[0] == 1,
                     "branch conditioning must be one item, got context \(context.shape) and pooled \(pooled.shape)")
    }

    /// Whether this and `other` can run as one batch: same text length, no hooks.
    func batches(with other: BranchConditioning) -> Bool {
        hooks == nil && other.hooks == nil && context.shape == other.context.shape && pooled.shape == other.pooled.shape
    }
}

/// Conditioning that changes from step to step: regional prompting's masked first steps, or an
/// edit whose branches carry attention-injection hooks. `ClassifierFreeGuidance` asks it for each
/// branch it computes at each step.
public protocol StepConditioning: AnyObject {
    func conditioning(_ branch: GuidanceBranch, step: Int) -> BranchConditioning
}
