/// Second-order Heun steps, as diffusers' `FlowMatchHeunDiscreteScheduler` (with `s_churn = 0`):
///
/// - predictor: `x̃ = x + dt·v(x, σ_i)` with `dt = σ_{i+1} − σ_i`;
/// - corrector: `x ← x + dt·½(v(x, σ_i) + v(x̃, σ_{i+1}))`.
///
/// The last step ends at σ = 0, where the corrector cannot run (diffusers' derivative divides by
/// σ_next), so diffusers' schedule `[σ0, σ1, σ1, …, σ_{N−1}, σ_{N−1}, 0]` makes it a plain Euler
/// step: N steps cost 2N − 1 model evaluations. diffusers forms each derivative as
/// `(x − (x − σ·v)) / σ`, which is `v` up to rounding; we use `v` directly.
public struct HeunSampler: Sampler {
    public init() {}

    public var displayName: String { "Heun" }

    public func evaluations(step index: Int, of schedule: FlowMatchSchedule) -> Int {
        schedule.sigmas[index + 1] > 0 ? 2 : 1
    }

    public func step(_ x: inout Tensor, index: Int, schedule: FlowMatchSchedule, velocity: VelocityFunction) throws -> Tensor {
        let sigma = schedule.sigmas[index], next = schedule.sigmas[index + 1]
        let dt = next - sigma
        let v1 = try velocity(x, sigma)
        guard next > 0 else {
            x.add(v1, scaledBy: dt)
            return v1
        }
        var predicted = x
        predicted.add(v1, scaledBy: dt)
        var average = try velocity(predicted, next)
        average.add(v1)
        average.scale(by: 0.5)  // ½(v1 + v2), summed in diffusers' order up to commutativity
        x.add(average, scaledBy: dt)
        return v1
    }
}
