/// Classifier-free guidance: `v = v_u + g·(v_c − v_u)`, the unconditional branch being the negative
/// prompt (or the empty prompt).
///
/// Both branches run as one batch of two through the model (`[uncond; cond]`, diffusers' order), so
/// the weights are read once per step. Scale 1 is the conditional branch alone and scale 0 the
/// unconditional branch alone: the other branch is not computed at all.
public struct ClassifierFreeGuidance: Sendable {
    /// Which model inputs a step runs.
    public enum Branches: Sendable, Equatable {
        /// Scale 1: `v = v_c`.
        case conditionalOnly
        /// Scale 0: `v = v_u`.
        case unconditionalOnly
        /// Any other scale: one batch of two.
        case both
    }

    /// The guidance scale g.
    public let scale: Float
    public let branches: Branches
    /// Context `[B, L, D]` and pooled `[B, P]` for the batch the branches need (B = 1 or 2).
    public let context: Tensor
    public let pooled: Tensor

    /// - Parameters: `…Context` are `[L, D]` (or `[1, L, D]`), `…Pooled` `[P]` (or `[1, P]`).
    public init(scale: Float,
                conditionalContext: Tensor, conditionalPooled: Tensor,
                unconditionalContext: Tensor, unconditionalPooled: Tensor) {
        let cc = Self.batchOfOne(conditionalContext, rank: 3), cp = Self.batchOfOne(conditionalPooled, rank: 2)
        let uc = Self.batchOfOne(unconditionalContext, rank: 3), up = Self.batchOfOne(unconditionalPooled, rank: 2)
        precondition(cc.shape == uc.shape && cp.shape == up.shape,
                     "conditional \(cc.shape)/\(cp.shape) and unconditional \(uc.shape)/\(up.shape) conditioning differ in shape")
        self.scale = scale
        switch scale {
        case 1:
            branches = .conditionalOnly
            context = cc
            pooled = cp
        case 0:
            branches = .unconditionalOnly
            context = uc
            pooled = up
        default:
            branches = .both
            context = Tensor.concatenate([uc, cc])
            pooled = Tensor.concatenate([up, cp])
        }
    }

    /// The guided velocity at `x` (`[1, C, H, W]`) and noise level σ (model timestep `timestep`).
    public func velocity(model: any VelocityModel, x: Tensor, timestep: Float) throws -> Tensor {
        switch branches {
        case .conditionalOnly, .unconditionalOnly:
            return try model.velocity(x: x, timesteps: [timestep], context: context, pooled: pooled)
        case .both:
            let batch = Tensor.concatenate([x, x])
            let output = try model.velocity(x: batch, timesteps: [timestep, timestep], context: context, pooled: pooled)
            return Self.combine(unconditional: output.slice(0..<1), conditional: output.slice(1..<2), scale: scale)
        }
    }

    /// `v_u + g·(v_c − v_u)`, evaluated as diffusers' SD3 pipeline does (difference, product, sum).
    public static func combine(unconditional: Tensor, conditional: Tensor, scale: Float) -> Tensor {
        Tensor.lerp(unconditional, conditional, scale)
    }

    private static func batchOfOne(_ tensor: Tensor, rank: Int) -> Tensor {
        if tensor.rank == rank - 1 { return tensor.reshaped([1] + tensor.shape) }
        precondition(tensor.rank == rank && tensor.shape[0] == 1,
                     "conditioning must be unbatched or a batch of one, got \(tensor.shape)")
        return tensor
    }
}
