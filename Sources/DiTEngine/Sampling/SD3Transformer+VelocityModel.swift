/// The SD3 MMDiT predicts the flow velocity directly: its forward pass is the velocity model.
extension SD3Transformer: VelocityModel {
    public func velocity(x: Tensor, timesteps: [Float], context: Tensor, pooled: Tensor,
                         forward: ForwardContext) throws -> Tensor {
        try self.forward(x: x, timesteps: timesteps, context: context, pooled: pooled, forward: forward)
    }
}
