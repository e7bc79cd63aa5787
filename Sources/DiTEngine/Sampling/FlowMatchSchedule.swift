/// The noise levels of a rectified-flow sampling run: exactly diffusers'
/// `FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=s).set_timesteps(N)`.
///
/// With `f(σ) = s·σ / (1 + (s − 1)·σ)`:
/// - `σ_min = f(1/1000)` computed in float32 (the scheduler's constructor works on a float32 tensor);
/// - `τ = linspace(1000, 1000·σ_min, N) / 1000` in float64 (numpy), so f is applied to the end
///   point twice, as diffusers does;
/// - `σᵢ = float32(f(τᵢ))`, then a final `σ_N = 0`;
/// - the transformer gets `tᵢ = σᵢ · 1000` in float32.
/// Every rounding step above is reproduced, so the sigmas equal diffusers' bit for bit.
public struct FlowMatchSchedule: Sendable, Equatable {
    /// Number of sampling steps N (model calls for Euler).
    public let steps: Int
    /// The timestep shift s (SD3 uses 3; 1 means no shift).
    public let shift: Double
    /// `steps + 1` noise levels from 1 down to 0.
    public let sigmas: [Float]
    /// The `num_train_timesteps` the model was trained with (1000 for every SD3-family model).
    public let trainingTimesteps: Int

    /// `steps` must be at least 1 and `shift` positive (callers validate user input first).
    public init(steps: Int, shift: Double, trainingTimesteps: Int = 1000) {
        precondition(steps >= 1, "a schedule needs at least one step")
        precondition(shift > 0 && shift.isFinite, "the shift must be positive")
        self.steps = steps
        self.shift = shift
        self.trainingTimesteps = trainingTimesteps

        // The constructor's float32 sigmas: the last is f(1/T) evaluated in float32 torch ops.
        let sigmaSmallest = Float(1) / Float(trainingTimesteps)
        let sigmaMin = (Float(shift) * sigmaSmallest) / (1 + Float(shift - 1) * sigmaSmallest)

        // set_timesteps: numpy float64 linspace from T·σ_max (σ_max = 1) to T·σ_min.
        let total = Double(trainingTimesteps)
        let start = 1.0 * total, stop = Double(sigmaMin) * total
        var sigmas = [Float]()
        sigmas.reserveCapacity(steps + 1)
        let step = steps > 1 ? (stop - start) / Double(steps - 1) : 0
        for i in 0..<steps {
            // numpy: y = arange(N) * step + start; y[-1] = stop
            let t = (i == steps - 1 && steps > 1) ? stop : Double(i) * step + start
            let sigma = t / total
            sigmas.append(Float((shift * sigma) / (1 + (shift - 1) * sigma)))
        }
        sigmas.append(0)
        self.sigmas = sigmas
    }

    /// A schedule with the given noise levels (`steps + 1` of them, the last where the run ends),
    /// e.g. `reversed()` for inversion. `shift` is only recorded.
    public init(sigmas: [Float], shift: Double, trainingTimesteps: Int = 1000) {
        precondition(sigmas.count >= 2, "a schedule needs at least two noise levels")
        self.steps = sigmas.count - 1
        self.shift = shift
        self.sigmas = sigmas
        self.trainingTimesteps = trainingTimesteps
    }

    /// The same noise levels walked the other way, from 0 up to the first σ: running the flow ODE
    /// backwards from a clean sample to noise (inversion).
    public func reversed() -> FlowMatchSchedule {
        FlowMatchSchedule(sigmas: sigmas.reversed(), shift: shift, trainingTimesteps: trainingTimesteps)
    }

    /// The first step of an img2img run at `strength` ∈ (0, 1], as diffusers' SD3 img2img
    /// pipeline cuts its timesteps: `init = min(N·s, N)`, `t_start = int(max(N − init, 0))`.
    public func startStep(strength: Double) -> Int {
        let total = Double(steps)
        let initial = min(total * strength, total)
        return Int(max(total - initial, 0))
    }

    /// The model's timestep input at noise level σ: `σ · T` in float32, as diffusers computes it.
    public func timestep(sigma: Float) -> Float {
        sigma * Float(trainingTimesteps)
    }

    /// The `steps` timesteps the model sees with the Euler sampler (`scheduler.timesteps`).
    public var timesteps: [Float] {
        sigmas.dropLast().map { timestep(sigma: $0) }
    }
}
