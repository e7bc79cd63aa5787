import DiTEngine
import Foundation

/// The real engine behind `GenerationEngine`: a DiTEngine `GenerationPipeline` (text encoder, MMDiT,
/// sampler and, for latent models, the VAE decoder) owned by the worker's thread.
///
/// Runs text-to-image and regional-layout jobs; the queue refuses the kinds it lacks (see
/// `capabilities`) before they reach here.
public final class DiTGenerationEngine: GenerationEngine {
    public static let capabilities = EngineCapabilities(regionalPrompting: true, editModes: [.img2img, .inpaint, .inject, .variation],
                                                        cachingLevels: CachingLevel.levels)

    /// A factory for `Worker`: the engine is built on the worker's thread.
    public static func factory(threads: Int? = nil) -> EngineFactory {
        EngineFactory(capabilities: capabilities) { DiTGenerationEngine(threads: threads) }
    }

    private var pipeline: GenerationPipeline?
    /// The loaded model's defaults (regional settings a layout leaves open, vital blocks).
    private var modelDefaults = ModelDefaults.builtIn
    /// Called with the prompt warnings of each job (unknown words, truncation) before its first step.
    public var onWarnings: (([String]) -> Void)?
    /// What the last exact decode of the loaded model cost (seconds), for `PreviewMode.auto`.
    private var exactDecodeSeconds: Double?
    /// What the feature cache of the last job did (nil when it ran without one): evaluations report
    /// it, so that a cached measurement shows the cache was at work.
    public private(set) var lastCacheStatistics: FeatureCache.Statistics?

    public init(threads: Int? = nil) {
        if let threads { BLAS.setThreads(threads) }
    }

    public func loadModel(at directory: String?) throws -> ModelDescription {
        let url = try directory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DefaultModel.directory()
        pipeline = nil  // release the previous model before loading the next
        let loaded = try GenerationPipeline(model: try DiffusionModel(directory: url))
        modelDefaults = try ModelDefaults(modelDirectory: url)
        pipeline = loaded
        exactDecodeSeconds = nil
        var description = ModelDescription(name: url.standardizedFileURL.lastPathComponent, path: url.standardizedFileURL.path,
                                           sizeMultiple: loaded.geometry.pixelMultiple, maxSide: loaded.geometry.maxPixelsPerSide)
        description.notices = loaded.previewMapNotice.map { [$0] } ?? []
        return description
    }

    public func generate(_ job: EngineJob,
                         onStep: (EngineStep, () throws -> RGBImage) -> StepDecision) throws -> EngineResult {
        guard let pipeline else { throw DiTGenerationEngineError.noModelLoaded }
        let parameters = job.parameters
        var request = Self.request(for: parameters)
        var edit: EditRequest?
        switch job.work {
        case .textToImage:
            break
        case let .regional(layout, masks):
            request = Self.request(for: parameters, layout: layout, masks: masks,
                                   defaults: modelDefaults.regional)
        case .edit(let job):
            edit = try Self.editRequest(for: job, vitalBlocks: modelDefaults.vitalBlocks)
        }
        let (cache, notice) = modelDefaults.cachePlan(for: parameters.caching,
                                                       layers: pipeline.model.transformer.config.numLayers)
        request.cache = cache
        let prepared = try pipeline.prepare(request, edit: edit)
        lastCacheStatistics = nil
        defer { lastCacheStatistics = prepared.run.cache?.statistics }
        let warnings = prepared.warnings.map(\.description) + (notice.map { [$0] } ?? [])
        if !warnings.isEmpty { onWarnings?(warnings) }
        let (width, height) = (parameters.width, parameters.height)
        let run = prepared.run
        let mode = Self.previewMode(job.previews)
        var stepStart = Self.seconds()
        while let step = try run.nextStep() {
            let stepSeconds = Self.seconds() - stepStart
            let done = step.index + 1 - run.firstStep
            let decision = onStep(EngineStep(index: done, total: run.stepsToRun)) {
                let decoding = pipeline.previewDecoding(mode, step: done, of: run.stepsToRun,
                                                        decodeSeconds: exactDecodeSeconds, stepSeconds: stepSeconds)
                let start = Self.seconds()
                let pixels = try pipeline.previewRGB8(step.predictedClean, width: width, height: height, decoding: decoding)
                if decoding == .exact { exactDecodeSeconds = Self.seconds() - start }
                return RGBImage(width: width, height: height, pixels: pixels)
            }
            if decision == .stop { return .stopped(completedSteps: done) }
            stepStart = Self.seconds()
        }
        return .finished(RGBImage(width: width, height: height, pixels: try pipeline.finalPixels(prepared, sample: run.sample)))
    }

    /// The engine's preview mode for the studio's choice.
    static func previewMode(_ choice: PreviewChoice) -> PreviewMode {
        switch choice {
        case .exact: return .exact
        case .approximate: return .approximate
        case .auto: return .auto
        }
    }

    private static func seconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// The engine's edit for a studio edit job.
    /// `vitalBlocks` are the model's (from its studio.json), for injection edits.
    static func editRequest(for job: EngineEdit, vitalBlocks: [Int]?) throws -> EditRequest {
        let source = job.source.pixels
        switch job.operation {
        case let .img2img(_, strength), let .variation(_, strength):
            return EditRequest(mode: .img2img(strength: strength), source: source)
        case let .inpaint(_, _, _, strength, feather):
            guard let mask = job.mask else { throw JobError.invalidParameter(key: "mask", reason: "an inpaint needs a mask or boxes") }
            return EditRequest(mode: .inpaint(mask: mask, strength: strength, feather: feather), source: source)
        case let .inject(_, sourcePrompt, _):
            guard let vitalBlocks, !vitalBlocks.isEmpty else {
                throw JobError.unsupported("this model has no vital blocks stored for injection edits; run `dit-studio vital-layers --model DIR` once to find and store them")
            }
            return EditRequest(mode: .inject(sourcePrompt: sourcePrompt, vitalBlocks: vitalBlocks), source: source)
        }
    }

    /// The engine's request for a studio job (the studio's enums are kept apart from the engine's).
    static func request(for p: GenerateParameters) -> GenerationRequest {
        GenerationRequest(prompt: p.prompt, negativePrompt: p.negativePrompt, seed: p.seed, steps: p.steps,
                          guidanceScale: Float(p.guidance), shift: p.shift,
                          sampler: p.sampler == .heun ? .heun : .euler,
                          noise: p.rng == .native ? .native : .torch,
                          width: p.width, height: p.height)
    }

    /// A regional request: the layout's base prompt (the job's prompt when the layout has none) and
    /// its regions; inject steps, block interval and emphasis the layout leaves open come from `defaults`.
    /// A region with a mask in `masks` is that mask; the others are their boxes.
    static func request(for p: GenerateParameters, layout: Layout, masks: [RegionMask?] = [],
                        defaults: RegionalDefaults) -> GenerationRequest {
        var request = request(for: p)
        if !layout.basePrompt.isEmpty { request.prompt = layout.basePrompt }
        request.regional = RegionalPrompt(
            regions: layout.regions.enumerated().map { index, region in
                let box = region.box
                let area: RegionalPrompt.Area = (index < masks.count ? masks[index] : nil).map { .mask($0) }
                    ?? .box(x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y1)
                return RegionalPrompt.Region(area: area, prompt: region.prompt)
            },
            baseRatio: layout.baseRatio,
            injectSteps: layout.injectSteps ?? defaults.injectSteps,
            blockInterval: layout.blockInterval ?? defaults.blockInterval,
            backgroundPrompt: layout.backgroundPrompt,
            emphasis: layout.regionEmphasis ?? defaults.regionEmphasis)
        return request
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
