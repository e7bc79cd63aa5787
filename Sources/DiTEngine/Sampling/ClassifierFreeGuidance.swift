/// Classifier-free guidance: `v = v_u + g·(v_c − v_u)`, the unconditional branch being the negative
/// prompt (or the empty prompt).
///
/// With fixed conditioning of one shape, both branches run as one batch of two through the model
/// (`[uncond; cond]`, diffusers' order), so the weights are read once per step. Conditioning that
/// varies by step (`StepConditioning`: regional layouts, edits) may give the branches texts of
/// different lengths or hooks; those steps run each branch as its own forward. Scale 1 is the
/// conditional branch alone and scale 0 the unconditional branch alone: the other is not computed.
///
/// A guidance may hold step conditioning with mutable hooks: like the run that owns it, it is used
/// by one thread at a time.
public struct ClassifierFreeGuidance: @unchecked Sendable {
    /// Which model inputs a step runs.
    public enum Branches: Sendable, Equatable {
        /// Scale 1: `v = v_c`.
        case conditionalOnly
        /// Scale 0: `v = v_u`.
        case unconditionalOnly
        /// Any other scale: both branches.
        case both
    }

    /// The guidance scale g.
    public let scale: Float
    public let branches: Branches
    /// Fixed conditioning: context `[B, L, D]` and pooled `[B, P]` for the batch the branches need
    /// (B = 1 or 2). With step conditioning: the first step's, for inspection only.
    public let context: Tensor
    public let pooled: Tensor
    /// Conditioning that varies by step; nil when `context` and `pooled` hold for every step.
    public let stepConditioning: (any StepConditioning)?

    /// - Parameters: `…Context` are `[L, D]` (or `[1, L, D]`), `…Pooled` `[P]` (or `[1, P]`).
    public init(scale: Float,
                conditionalContext: Tensor, conditionalPooled: Tensor,
                unconditionalContext: Tensor, unconditionalPooled: Tensor) {
        let conditional = BranchConditioning(context: conditionalContext, pooled: conditionalPooled)
        let unconditional = BranchConditioning(context: unconditionalContext, pooled: unconditionalPooled)
        precondition(conditional.batches(with: unconditional),
                     "conditional \(conditional.context.shape)/\(conditional.pooled.shape) and unconditional \(unconditional.context.shape)/\(unconditional.pooled.shape) conditioning differ in shape")
        self.init(scale: scale, first: (conditional, unconditional), stepConditioning: nil)
    }

    /// Guidance whose conditioning `conditioning` gives per branch and step.
    public init(scale: Float, conditioning: any StepConditioning) {
        self.init(scale: scale,
                  first: (conditioning.conditioning(.conditional, step: 0), conditioning.conditioning(.unconditional, step: 0)),
                  stepConditioning: conditioning)
    }

    private init(scale: Float, first: (conditional: BranchConditioning, unconditional: BranchConditioning),
                 stepConditioning: (any StepConditioning)?) {
        self.scale = scale
        self.stepConditioning = stepConditioning
        switch scale {
        case 1:
            branches = .conditionalOnly
            (context, pooled) = (first.conditional.context, first.conditional.pooled)
        case 0:
            branches = .unconditionalOnly
            (context, pooled) = (first.unconditional.context, first.unconditional.pooled)
        default:
            branches = .both
            if first.conditional.batches(with: first.unconditional) {
                context = Tensor.concatenate([first.unconditional.context, first.conditional.context])
                pooled = Tensor.concatenate([first.unconditional.pooled, first.conditional.pooled])
            } else {
                (context, pooled) = (first.conditional.context, first.conditional.pooled)
            }
        }
    }

    /// The guided velocity at `x` (`[1, C, H, W]`) and model timestep `timestep`, for step `step`
    /// (which selects step conditioning) at noise level `sigma` (handed to the hooks).
    public func velocity(model: any VelocityModel, x: Tensor, timestep: Float,
                         step: Int = 0, sigma: Float? = nil) throws -> Tensor {
        if branches == .both {
            let (u, c) = try bothBranches(model: model, x: x, timestep: timestep, step: step, sigma: sigma)
            return Self.combine(unconditional: u, conditional: c, scale: scale)
        }
        let branch: GuidanceBranch = branches == .conditionalOnly ? .conditional : .unconditional
        let c = stepConditioning?.conditioning(branch, step: step) ?? BranchConditioning(context: context, pooled: pooled)
        return try model.velocity(x: x, timesteps: [timestep], context: c.context, pooled: c.pooled,
                                  forward: ForwardContext(step: step, sigma: sigma, branches: [branch], hooks: c.hooks))
    }

    /// Both branches' velocities of a `.both` guidance: one batch `[uncond; cond]` when the
    /// conditioning allows, else a forward per branch. `velocity` combines them; the feature cache
    /// also keeps their difference.
    func bothBranches(model: any VelocityModel, x: Tensor, timestep: Float, step: Int,
                      sigma: Float?) throws -> (unconditional: Tensor, conditional: Tensor) {
        precondition(branches == .both, "both branches of a guidance with scale \(scale)")
        func split(_ output: Tensor) -> (Tensor, Tensor) { (output.slice(0..<1), output.slice(1..<2)) }
        guard let stepConditioning else {
            return split(try model.velocity(x: Tensor.concatenate([x, x]), timesteps: [timestep, timestep],
                                            context: context, pooled: pooled,
                                            forward: ForwardContext(step: step, sigma: sigma, branches: [.unconditional, .conditional])))
        }
        let conditional = stepConditioning.conditioning(.conditional, step: step)
        let unconditional = stepConditioning.conditioning(.unconditional, step: step)
        if conditional.batches(with: unconditional) {
            return split(try model.velocity(
                x: Tensor.concatenate([x, x]), timesteps: [timestep, timestep],
                context: Tensor.concatenate([unconditional.context, conditional.context]),
                pooled: Tensor.concatenate([unconditional.pooled, conditional.pooled]),
                forward: ForwardContext(step: step, sigma: sigma, branches: [.unconditional, .conditional])))
        }
        let u = try model.velocity(x: x, timesteps: [timestep], context: unconditional.context, pooled: unconditional.pooled,
                                   forward: ForwardContext(step: step, sigma: sigma, branches: [.unconditional], hooks: unconditional.hooks))
        let c = try model.velocity(x: x, timesteps: [timestep], context: conditional.context, pooled: conditional.pooled,
                                   forward: ForwardContext(step: step, sigma: sigma, branches: [.conditional], hooks: conditional.hooks))
        return (u, c)
    }

    /// The conditional branch's velocity alone (guidance sharing's late steps).
    func conditionalVelocity(model: any VelocityModel, x: Tensor, timestep: Float, step: Int,
                             sigma: Float?) throws -> Tensor {
        let c: BranchConditioning
        if let stepConditioning {
            c = stepConditioning.conditioning(.conditional, step: step)
        } else if branches == .both {
            c = BranchConditioning(context: context.slice(1..<2), pooled: pooled.slice(1..<2))
        } else {
            c = BranchConditioning(context: context, pooled: pooled)
        }
        return try model.velocity(x: x, timesteps: [timestep], context: c.context, pooled: c.pooled,
                                  forward: ForwardContext(step: step, sigma: sigma, branches: [.conditional], hooks: c.hooks))
    }

    /// `v_u + g·(v_c − v_u)`, evaluated as diffusers' SD3 pipeline does (difference, product, sum).
    public static func combine(unconditional: Tensor, conditional: Tensor, scale: Float) -> Tensor {
        Tensor.lerp(unconditional, conditional, scale)
    }
}
