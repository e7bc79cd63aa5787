/// Guidance conditioning for a regional layout: for the first `injectSteps` steps the conditional
/// branch reads every region's text followed by the base prompt's, under `RegionalAttention`; later
/// steps, and the unconditional branch always, are plain. The pooled embedding is the base prompt's.
public final class RegionalConditioning: StepConditioning, @unchecked Sendable {
    public let injectSteps: Int
    public let attention: RegionalAttention
    private let regional: BranchConditioning
    private let base: BranchConditioning
    private let unconditional: BranchConditioning

    /// - Parameters:
    ///   - regions: each region's encoding (a background region included, if any), in grid order.
    ///   - base: the base prompt's encoding.
    ///   - unconditional: the negative (or empty) prompt's encoding.
    public init(regions: [TextConditioning], base: TextConditioning, unconditional: TextConditioning,
                grid: RegionGrid, baseRatio: Float, injectSteps: Int, blockInterval: Int, emphasis: Float = 0) {
        precondition(regions.count == grid.coverage.count, "one encoding per region")
        let textTokens = base.context.shape[0]
        precondition(regions.allSatisfy { $0.context.shape[0] == textTokens }, "every prompt must be encoded to the same length")
        self.injectSteps = injectSteps
        attention = RegionalAttention(grid: grid, textTokens: textTokens, baseRatio: baseRatio, blockInterval: blockInterval,
                                      emphasis: emphasis)
        regional = BranchConditioning(context: Tensor.concatenate(regions.map(\.context) + [base.context]),
                                      pooled: base.pooled, hooks: attention)
        self.base = BranchConditioning(context: base.context, pooled: base.pooled)
        self.unconditional = BranchConditioning(context: unconditional.context, pooled: unconditional.pooled)
    }

    public func conditioning(_ branch: GuidanceBranch, step: Int) -> BranchConditioning {
        switch branch {
        case .unconditional: return unconditional
        case .conditional: return step < injectSteps ? regional : base
        }
    }
}
