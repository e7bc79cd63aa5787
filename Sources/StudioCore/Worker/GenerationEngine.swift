/// The studio's view of an image generator: the one seam between StudioCore and DiTEngine.
///
/// Deliberately small, so the real engine can be wired in behind it with a thin adapter and a
/// deterministic fake can drive every test: load a model once, then run jobs — text to image,
/// regional layouts, edits of a loaded image — one step at a time, with a callback after every
/// step that can stop the run. An engine is used from one thread only (the `Worker`'s), so it
/// need not be thread-safe, nor `Sendable`. `EngineCapabilities` lets the queue refuse up front
/// the kinds of job an engine cannot run.
public protocol GenerationEngine: AnyObject {
    /// Loads the model in `directory` (nil = the engine's default model) and keeps it for the
    /// following `generate` calls. Called once, and again only when a job names another model.
    /// Throws an error whose description names the directory and what is wrong.
    func loadModel(at directory: String?) throws -> ModelDescription

    /// Runs one job with the loaded model. After each step, calls `onStep` with the step just taken
    /// and a function that decodes that step's predicted clean image (so previews cost nothing when
    /// nobody looks); `onStep` returns `.stop` to end the run at that boundary. Returns the final
    /// image, or `.stopped` when `onStep` asked to stop. Throws readable errors (bad parameters,
    /// non-finite values…).
    func generate(_ job: EngineJob,
                  onStep: (_ step: EngineStep, _ preview: () throws -> RGBImage) -> StepDecision) throws -> EngineResult
}

extension GenerationEngine {
    /// A text-to-image job.
    public func generate(_ parameters: GenerateParameters,
                         onStep: (_ step: EngineStep, _ preview: () throws -> RGBImage) -> StepDecision) throws -> EngineResult {
        try generate(EngineJob(parameters: parameters), onStep: onStep)
    }
}

/// A step just taken: `index` of `total`, from 1.
public struct EngineStep: Equatable, Sendable {
    public var index: Int
    public var total: Int

    public init(index: Int, total: Int) {
        self.index = index
        self.total = total
    }
}

/// What the step callback tells the engine.
public enum StepDecision: Equatable, Sendable {
    case `continue`
    case stop
}

/// How a generate call ended.
public enum EngineResult: Equatable, Sendable {
    /// All steps ran; the final image.
    case finished(RGBImage)
    /// The callback asked to stop after `completedSteps` steps.
    case stopped(completedSteps: Int)
}

/// How the worker gets its engine: the capabilities (known before any engine exists, so the queue
/// can refuse jobs at once) and a function that builds the engine on the worker's own thread, where
/// it then stays.
public struct EngineFactory: Sendable {
    public var capabilities: EngineCapabilities
    public var make: @Sendable () throws -> any GenerationEngine

    public init(capabilities: EngineCapabilities, make: @escaping @Sendable () throws -> any GenerationEngine) {
        self.capabilities = capabilities
        self.make = make
    }
}
