/// One generation in progress, driven one step at a time by its caller.
///
/// The caller owns pacing, previews and cancellation: it calls `nextStep()` until it returns nil
/// (or `isFinished`), and stopping is simply not calling it again. Each step checks that the model
/// output and the new sample are finite and throws `GenerationError.nonFiniteValue` naming the step
/// otherwise; after an error the run stays failed.
///
/// Like the model it drives, a run is used by one thread at a time (it may move between threads,
/// hence `@unchecked Sendable`).
public final class GenerationRun: @unchecked Sendable {
    public let schedule: FlowMatchSchedule
    public let sampler: any Sampler
    public let guidance: ClassifierFreeGuidance
    private let model: any VelocityModel

    /// Called after each step with the new sample (at `schedule.sigmas[index + 1]`), which it may
    /// change: inpainting puts the known area back, noised to that level.
    public typealias StepHook = (_ sample: inout Tensor, _ index: Int, _ sigma: Float) throws -> Void

    /// The current sample: the starting sample before the first step, the final sample once finished.
    public private(set) var sample: Tensor
    /// The schedule index of the first step this run takes (0 unless it starts mid-schedule).
    public let firstStep: Int
    /// Schedule steps done so far, counting those skipped before `firstStep`.
    public private(set) var completedSteps: Int
    private let afterStep: StepHook?
    private var failure: GenerationError?
    /// The run's feature caches; nil for a plain run.
    public let cache: FeatureCache?

    /// - Parameters:
    ///   - noise: the starting sample `[1, C, H, W]` at `schedule.sigmas[firstStep]` (pure noise at
    ///     σ = 1 for text to image; a noised source for img2img).
    ///   - firstStep: where in the schedule the run starts.
    ///   - afterStep: may change the sample after every step.
    ///   - cache: feature caching (its own, made for this run), or nil for the plain run.
    public init(model: any VelocityModel, guidance: ClassifierFreeGuidance, noise: Tensor,
                schedule: FlowMatchSchedule, sampler: any Sampler, firstStep: Int = 0, afterStep: StepHook? = nil,
                cache: FeatureCache? = nil) {
        precondition(noise.rank == 4 && noise.shape[0] == 1, "noise must be [1, C, H, W], got \(noise.shape)")
        precondition((0..<schedule.steps).contains(firstStep), "a run starts at a step of its schedule (0..<\(schedule.steps)), not \(firstStep)")
        self.model = model
        self.guidance = guidance
        self.sample = noise
        self.schedule = schedule
        self.sampler = sampler
        self.firstStep = firstStep
        self.completedSteps = firstStep
        self.afterStep = afterStep
        precondition(cache.map { $0.firstStep == firstStep && $0.steps == schedule.steps } ?? true,
                     "a run's cache is made for its own steps")
        self.cache = cache
    }

    public var totalSteps: Int { schedule.steps }

    /// The steps this run takes (`totalSteps − firstStep`).
    public var stepsToRun: Int { schedule.steps - firstStep }

    /// True once every step has run (or a step failed).
    public var isFinished: Bool { completedSteps == schedule.steps || failure != nil }

    /// Model evaluations the whole run costs.
    public var totalEvaluations: Int {
        (firstStep..<schedule.steps).reduce(0) { $0 + sampler.evaluations(step: $1, of: schedule) }
    }

    /// Takes the next step; nil when the run is already complete.
    public func nextStep() throws -> StepResult? {
        if let failure { throw failure }
        guard completedSteps < schedule.steps else { return nil }
        let index = completedSteps
        let sigma = schedule.sigmas[index], next = schedule.sigmas[index + 1]
        do {
            var x = sample
            let start = sample
            let v = try sampler.step(&x, index: index, schedule: schedule) { [model, guidance, schedule, cache] input, level in
                let timestep = schedule.timestep(sigma: level)
                let velocity = try cache?.velocity(guidance: guidance, model: model, x: input, timestep: timestep,
                                                   step: index, sigma: level)
                    ?? guidance.velocity(model: model, x: input, timestep: timestep, step: index, sigma: level)
                guard velocity.isFinite else {
                    throw GenerationError.nonFiniteValue(step: index + 1, total: schedule.steps, stage: "model output")
                }
                return velocity
            }
            guard x.isFinite else {
                throw GenerationError.nonFiniteValue(step: index + 1, total: schedule.steps, stage: "sample")
            }
            var predicted = start
            predicted.add(v, scaledBy: -sigma)
            if let afterStep { try afterStep(&x, index, next) }
            sample = x
            completedSteps += 1
            return StepResult(index: index, total: schedule.steps, sigma: sigma, nextSigma: next,
                              predictedClean: predicted, sample: x,
                              evaluations: sampler.evaluations(step: index, of: schedule))
        } catch let error as GenerationError {
            failure = error
            throw error
        }
    }

    /// Runs the remaining steps, calling `onStep` after each; stops early when it returns false.
    /// Returns the number of steps taken in this call.
    @discardableResult
    public func run(onStep: (StepResult) throws -> Bool = { _ in true }) throws -> Int {
        var taken = 0
        while let result = try nextStep() {
            taken += 1
            if try !onStep(result) { break }
        }
        return taken
    }
}
