/// Evaluates the (guided) velocity `v = dx/dσ` of the flow at sample `x` and noise level `sigma`.
public typealias VelocityFunction = (_ x: Tensor, _ sigma: Float) throws -> Tensor

/// One way to integrate the rectified-flow ODE `dx/dσ = v(x, σ)` from σ = 1 to σ = 0.
///
/// Samplers are stateless: a step takes the sample at `σ_index` to `σ_index+1` and may call the
/// model as often as it needs, so the driver (`GenerationRun`) can stop between any two steps and
/// new samplers (DPM-Solver, …) slot in without touching it.
public protocol Sampler: Sendable {
    /// The name written into image metadata (A1111 style), e.g. "Euler".
    var displayName: String { get }

    /// How many model evaluations step `index` of `schedule` costs.
    func evaluations(step index: Int, of schedule: FlowMatchSchedule) -> Int

    /// Advances `x` from `schedule.sigmas[index]` to `schedule.sigmas[index + 1]`.
    /// Returns the velocity evaluated at the incoming `(x, σ_index)`, from which the caller forms
    /// the predicted clean sample `x₀ = x − σ·v` for previews.
    func step(_ x: inout Tensor, index: Int, schedule: FlowMatchSchedule, velocity: VelocityFunction) throws -> Tensor
}

/// The samplers a request can name; the command line's `--sampler euler|heun`.
public enum SamplerKind: String, Sendable, CaseIterable, Codable {
    case euler
    case heun

    public func makeSampler() -> any Sampler {
        switch self {
        case .euler: return EulerSampler()
        case .heun: return HeunSampler()
        }
    }
}
