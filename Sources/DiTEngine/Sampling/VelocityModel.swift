/// A network that predicts the flow-matching velocity for a batch: the SD3 transformer, or a test
/// double with a known field. Inputs follow diffusers' `SD3Transformer2DModel.forward`.
public protocol VelocityModel: AnyObject {
    /// - Parameters:
    ///   - x: samples `[B, C, H, W]`
    ///   - timesteps: `B` timesteps, `1000·σ`
    ///   - context: text tokens `[B, L, D]`
    ///   - pooled: pooled text embeddings `[B, P]`
    ///   - forward: the step and the hooks the forward's blocks consult (regional attention,
    ///     attention injection, caching); a model without blocks may ignore its hooks.
    /// - Returns: the velocity, shaped like `x`.
    func velocity(x: Tensor, timesteps: [Float], context: Tensor, pooled: Tensor,
                  forward: ForwardContext) throws -> Tensor
}

extension VelocityModel {
    /// The plain forward, with no hooks.
    public func velocity(x: Tensor, timesteps: [Float], context: Tensor, pooled: Tensor) throws -> Tensor {
        try velocity(x: x, timesteps: timesteps, context: context, pooled: pooled, forward: .plain)
    }
}
