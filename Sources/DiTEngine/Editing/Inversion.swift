/// A source image run backwards along the flow ODE, from its latent (σ = 0) to noise (σ = 1), with
/// its source prompt: the noise that regenerates it, and the sample at every noise level of the
/// schedule on the way (what an attention-injection edit's reference branch follows).
public struct Inversion: Sendable {
    /// The forward schedule the trajectory belongs to.
    public let schedule: FlowMatchSchedule
    /// `trajectory[i]` is the sample at `schedule.sigmas[i]`: `trajectory[0]` the inverted noise,
    /// `trajectory[steps]` the source latent.
    public let trajectory: [Tensor]

    /// The inverted noise: generating from it with the same prompt and settings gives the source back.
    public var noise: Tensor { trajectory[0] }
}

extension GenerationPipeline {
    /// Inverts `rgb` (the request's size) with `request`'s prompt, guidance, steps and shift, by
    /// Euler steps up the reversed schedule: `x ← x + (σ_{i+1} − σ_i)·v(x, σ_i)` with σ rising.
    /// Guidance 1 (the prompt alone) inverts most faithfully.
    public func invert(_ rgb: [UInt8], request: GenerationRequest,
                       onStep: (StepResult) throws -> Bool = { _ in true }) throws -> Inversion? {
        var plain = request
        plain.regional = nil
        try plain.validate(for: geometry)
        let source = try encodeSource(rgb, width: request.width, height: request.height)
        let (guidance, _) = try makeGuidance(plain)
        let forward = FlowMatchSchedule(steps: request.steps, shift: request.shift)
        let run = GenerationRun(model: model.transformer, guidance: guidance, noise: source,
                                schedule: forward.reversed(), sampler: EulerSampler())
        var reversedTrajectory = [source]
        while let step = try run.nextStep() {
            reversedTrajectory.append(step.sample)
            if try !onStep(step) { return nil }
        }
        return Inversion(schedule: forward, trajectory: reversedTrajectory.reversed())
    }
}

extension GenerationPipeline {
    /// Samples forward from an inversion's noise with `request`'s prompt and guidance, by Euler steps
    /// along the inversion's schedule: with the settings the inversion used, the source comes back.
    public func reconstruct(_ inversion: Inversion, request: GenerationRequest) throws -> Tensor {
        var plain = request
        plain.regional = nil
        let (guidance, _) = try makeGuidance(plain)
        let run = GenerationRun(model: model.transformer, guidance: guidance, noise: inversion.noise,
                                schedule: inversion.schedule, sampler: EulerSampler())
        try run.run()
        return run.sample
    }
}
