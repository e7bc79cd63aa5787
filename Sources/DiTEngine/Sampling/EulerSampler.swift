/// First-order Euler steps, `x ← x + (σ_{i+1} − σ_i)·v(x, σ_i)`: diffusers'
/// `FlowMatchEulerDiscreteScheduler.step` (the step size is rounded to float32 first, then
/// `x + dt·v` is evaluated as a multiply and an add, like torch).
public struct EulerSampler: Sampler {
    public init() {}

    public var displayName: String { "Euler" }

    public func evaluations(step index: Int, of schedule: FlowMatchSchedule) -> Int { 1 }

    public func step(_ x: inout Tensor, index: Int, schedule: FlowMatchSchedule, velocity: VelocityFunction) throws -> Tensor {
        let sigma = schedule.sigmas[index], next = schedule.sigmas[index + 1]
        let v = try velocity(x, sigma)
        x.add(v, scaledBy: next - sigma)
        return v
    }
}
