import DiTEngine
import Foundation

/// The real engine behind `GenerationEngine`: a DiTEngine `GenerationPipeline` (text encoder, MMDiT,
/// sampler and, for latent models, the VAE decoder) owned by the worker's thread.
///
/// Runs text-to-image jobs only (`EngineCapabilities.generateOnly`): regional prompting ([6/8]) and
/// editing ([7/8]) are not in the engine yet, so the queue refuses those jobs before they reach here.
public final class DiTGenerationEngine: GenerationEngine {
    public static let capabilities = EngineCapabilities.generateOnly

    /// A factory for `Worker`: the engine is built on the worker's thread.
    public static func factory(threads: Int? = nil) -> EngineFactory {
        EngineFactory(capabilities: capabilities) { DiTGenerationEngine(threads: threads) }
    }

    private var pipeline: GenerationPipeline?
    /// Called with the prompt warnings of each job (unknown words, truncation) before its first step.
    public var onWarnings: (([String]) -> Void)?

    public init(threads: Int? = nil) {
        if let threads { BLAS.setThreads(threads) }
    }

    public func loadModel(at directory: String?) throws -> ModelDescription {
        let url = try directory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DefaultModel.directory()
        pipeline = nil  // release the previous model before loading the next
        let loaded = try GenerationPipeline(model: try DiffusionModel(directory: url))
        pipeline = loaded
        return ModelDescription(name: url.standardizedFileURL.lastPathComponent, path: url.standardizedFileURL.path,
                                sizeMultiple: loaded.geometry.pixelMultiple, maxSide: loaded.geometry.maxPixelsPerSide)
    }

    public func generate(_ parameters: GenerateParameters,
                         onStep: (EngineStep, () throws -> RGBImage) -> StepDecision) throws -> EngineResult {
        guard let pipeline else { throw DiTGenerationEngineError.noModelLoaded }
        let prepared = try pipeline.prepare(Self.request(for: parameters))
        if !prepared.warnings.isEmpty { onWarnings?(prepared.warnings.map(\.description)) }
        let (width, height) = (parameters.width, parameters.height)
        while let step = try prepared.run.nextStep() {
            let decision = onStep(EngineStep(index: step.index + 1, total: step.total)) {
                RGBImage(width: width, height: height, pixels: try pipeline.rgb8(step.predictedClean))
            }
            if decision == .stop { return .stopped(completedSteps: step.index + 1) }
        }
        return .finished(RGBImage(width: width, height: height, pixels: try pipeline.rgb8(prepared.run.sample)))
    }

    /// The engine's request for a studio job (the studio's enums are kept apart from the engine's).
    static func request(for p: GenerateParameters) -> GenerationRequest {
        GenerationRequest(prompt: p.prompt, negativePrompt: p.negativePrompt, seed: p.seed, steps: p.steps,
                          guidanceScale: Float(p.guidance), shift: p.shift,
                          sampler: p.sampler == .heun ? .heun : .euler,
                          noise: p.rng == .native ? .native : .torch,
                          width: p.width, height: p.height)
    }
}

public enum DiTGenerationEngineError: Error, CustomStringConvertible {
    case noModelLoaded
    public var description: String { "no model is loaded (the worker loads one before the first job)" }
}

extension DiTGenerationEngineError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .noModelLoaded: return .failure
        }
    }
}
