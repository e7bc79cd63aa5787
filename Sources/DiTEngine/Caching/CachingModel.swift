/// A velocity model whose every forward consults a run's `FeatureCache` first, then the hooks the
/// forward already carries (a regional layout's, an edit's).
final class CachingModel: VelocityModel {
    let base: any VelocityModel
    let cache: FeatureCache

    init(base: any VelocityModel, cache: FeatureCache) {
        self.base = base
        self.cache = cache
    }

    func velocity(x: Tensor, timesteps: [Float], context: Tensor, pooled: Tensor, forward: ForwardContext) throws -> Tensor {
        var forward = forward
        forward.hooks = forward.hooks.map { CompositeBlockHooks([cache, $0]) } ?? cache
        return try base.velocity(x: x, timesteps: timesteps, context: context, pooled: pooled, forward: forward)
    }
}
