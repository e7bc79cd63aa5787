/// The SD3 MMDiT predicts the flow velocity directly: its forward pass is the velocity model.
extension SD3Transformer: VelocityModel {
    public func velocity(x: Tensor, timesteps: [Float], context: Tensor, pooled: Tensor) throws -> Tensor {
        try forward(x: x, timesteps: timesteps, context: context, pooled: pooled)
    }
}
