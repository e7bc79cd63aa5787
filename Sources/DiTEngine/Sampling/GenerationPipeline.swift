import Foundation

/// Prompt → image with a loaded model: tokenise and encode the prompts, draw the initial noise,
/// hand out a step-wise `GenerationRun`, and decode its result (the VAE step, for latent models,
/// then 8-bit pixels; `decode` also serves the per-step x₀ previews). The generation contract is in DESIGN.md ("The generation contract").
///
/// Not safe for concurrent use (the model is not): one worker thread owns a pipeline at a time;
/// it may be handed from one thread to another, hence `@unchecked Sendable`.
public final class GenerationPipeline: @unchecked Sendable {
    public let model: DiffusionModel
    /// The VAE decoder of a latent model; nil for a pixel-space model.
    public let decoder: (any LatentDecoder)?
    public let geometry: ImageGeometry
    /// The cheap preview decoder of a latent model (`preview_map.json`), nil when there is none or
    /// it is unusable; then `previewMapNotice` says why, and previews use the exact decode.
    public let previewMap: LatentPreviewMap?
    /// Why a `preview_map.json` that exists is not used (one line naming the file and the fault).
    public let previewMapNotice: String?

    /// Encodings of recent prompts (the empty prompt is used by nearly every run).
    private var encodings: [String: (tokens: TokenizedText, conditioning: TextConditioning)] = [:]
    private var encodingOrder: [String] = []
    private let encodingCacheSize = 8

    /// - Parameter decoder: the decoder of a latent model; by default the `AutoencoderKL` in the
    ///   model's `vae/` is loaded. Ignored for a pixel-space model.
    public init(model: DiffusionModel, decoder: (any LatentDecoder)? = nil) throws {
        self.model = model
        if let vae = model.vaeDirectory {
            self.decoder = try decoder ?? AutoencoderKL(directory: vae)
        } else {
            self.decoder = nil
        }
        geometry = ImageGeometry(transformer: model.transformer.config,
                                 downsamplingFactor: self.decoder?.downsamplingFactor ?? 1)
        try Self.checkChannels(transformer: model.transformer.config, decoder: self.decoder)
        (previewMap, previewMapNotice) = Self.loadPreviewMap(model.layout, decoder: self.decoder)
    }

    /// The sampler adds velocities to samples, and the result must become an RGB image: refuse a
    /// model whose parts do not fit together instead of failing (or crashing) after sampling.
    static func checkChannels(transformer: SD3TransformerConfig, decoder: (any LatentDecoder)?) throws {
        guard transformer.outChannels == transformer.inChannels else {
            throw EngineError.invalidConfig(file: "transformer/config.json", key: "out_channels",
                                            reason: "is \(transformer.outChannels) but in_channels is \(transformer.inChannels); a flow-matching transformer predicts a velocity shaped like its input")
        }
        if let decoder {
            guard decoder.latentChannels == transformer.inChannels else {
                throw EngineError.invalidConfig(file: "vae/config.json", key: "latent_channels",
                                                reason: "is \(decoder.latentChannels) but the transformer samples \(transformer.inChannels) channels (in_channels); the VAE and transformer do not belong together")
            }
            guard decoder.imageChannels == 3 else {
                throw EngineError.invalidConfig(file: "vae/config.json", key: "out_channels",
                                                reason: "is \(decoder.imageChannels); images must have 3 (RGB) channels")
            }
        } else {
            guard transformer.inChannels == 3 else {
                throw EngineError.invalidConfig(file: "transformer/config.json", key: "in_channels",
                                                reason: "is \(transformer.inChannels) in a model without vae/; a pixel-space model samples RGB images (3 channels), a latent model needs its VAE in vae/")
            }
        }
    }

    /// A run ready to step, with the prompt warnings (unknown words, truncation) to show the user.
    public struct Prepared {
        public let run: GenerationRun
        public let warnings: [PromptWarning]
        public let request: GenerationRequest
        /// For an inpaint: how the final pixels are put together from the source and the result.
        public let composite: PixelComposite?

        public init(run: GenerationRun, warnings: [PromptWarning], request: GenerationRequest, composite: PixelComposite? = nil) {
            self.run = run
            self.warnings = warnings
            self.request = request
            self.composite = composite
        }
    }

    /// Validates `request`, encodes its prompts and draws its noise; with `edit`, the run starts
    /// from the edit's source image (see `EditRequest`).
    public func prepare(_ request: GenerationRequest, edit: EditRequest? = nil) throws -> Prepared {
        try request.validate(for: geometry)
        let (guidance, warnings) = try makeGuidance(request)
        var noiseSource = request.noise.makeSource(seed: request.seed)
        let noise = noiseSource.normalTensor(shape: geometry.noiseShape(width: request.width, height: request.height))
        let schedule = FlowMatchSchedule(steps: request.steps, shift: request.shift)
        if let edit {
            return try prepareEdit(edit, request: request, guidance: guidance, noise: noise, schedule: schedule,
                                   warnings: warnings)
        }
        let run = GenerationRun(model: model.transformer, guidance: guidance, noise: noise,
                                schedule: schedule, sampler: request.sampler.makeSampler(),
                                cache: makeCache(request, firstStep: 0))
        return Prepared(run: run, warnings: warnings, request: request)
    }

    /// A fresh cache for a run of `request` starting at `firstStep`, or nil when it asks for none.
    func makeCache(_ request: GenerationRequest, firstStep: Int) -> FeatureCache? {
        guard let plan = request.cache, !plan.isEmpty else { return nil }
        // A regional layout's region-attention steps, and the first plain step after them, compute.
        let regionalSteps = request.regional.map { $0.regions.isEmpty ? 0 : $0.injectSteps + 1 } ?? 0
        return FeatureCache(plan: plan, firstStep: firstStep, steps: request.steps,
                            layers: model.transformer.config.numLayers, computedBefore: regionalSteps)
    }

    /// The guidance of `request` (plain or regional) and the warnings about its prompts.
    func makeGuidance(_ request: GenerationRequest) throws -> (ClassifierFreeGuidance, [PromptWarning]) {
        let contextLength = model.textEncoder.config.maxPositionEmbeddings
        let conditional = try encode(request.prompt)
        var warnings = PromptWarning.warnings(for: conditional.tokens, role: .prompt, contextLength: contextLength)
        let unconditional: TextConditioning
        if request.guidanceScale == 1 {
            unconditional = conditional.conditioning  // unused: scale 1 runs the conditional branch only
        } else {
            let negative = try encode(request.negativePrompt)
            warnings += PromptWarning.warnings(for: negative.tokens, role: .negativePrompt, contextLength: contextLength)
            unconditional = negative.conditioning
        }
        if let regional = request.regional {
            let (conditioning, regionWarnings) = try regionalConditioning(
                regional, base: conditional.conditioning, unconditional: unconditional, request: request)
            warnings += regionWarnings
            return (ClassifierFreeGuidance(scale: request.guidanceScale, conditioning: conditioning), warnings)
        }
        return (ClassifierFreeGuidance(scale: request.guidanceScale,
                                       conditionalContext: conditional.conditioning.context,
                                       conditionalPooled: conditional.conditioning.pooled,
                                       unconditionalContext: unconditional.context,
                                       unconditionalPooled: unconditional.pooled), warnings)
    }

    /// Encodes a layout's region prompts and takes its areas to this size's patch grid (built anew
    /// for every request, so a changed layout, size or model never meets a stale mask).
    private func regionalConditioning(_ regional: RegionalPrompt, base: TextConditioning,
                                      unconditional: TextConditioning,
                                      request: GenerationRequest) throws -> (RegionalConditioning, [PromptWarning]) {
        let contextLength = model.textEncoder.config.maxPositionEmbeddings
        var warnings: [PromptWarning] = []
        var encodings: [TextConditioning] = []
        for (index, region) in regional.regions.enumerated() {
            let encoded = try encode(region.prompt)
            warnings += PromptWarning.warnings(for: encoded.tokens, role: .regionPrompt(index + 1), contextLength: contextLength)
            encodings.append(encoded.conditioning)
        }
        let columns = request.width / geometry.pixelMultiple, rows = request.height / geometry.pixelMultiple
        var grid = RegionGrid(areas: regional.regions.map(\.area), columns: columns, rows: rows)
        if let background = regional.backgroundPrompt, grid.uncovered.contains(true) {
            let encoded = try encode(background)
            warnings += PromptWarning.warnings(for: encoded.tokens, role: .backgroundPrompt, contextLength: contextLength)
            encodings.append(encoded.conditioning)
            grid = RegionGrid(columns: columns, rows: rows, coverage: grid.coverage + [grid.uncovered])
        }
        let conditioning = RegionalConditioning(regions: encodings, base: base, unconditional: unconditional,
                                                grid: grid, baseRatio: Float(regional.baseRatio),
                                                injectSteps: regional.injectSteps, blockInterval: regional.blockInterval,
                                                emphasis: Float(regional.emphasis))
        return (conditioning, warnings)
    }

    /// The image `[1, 3, H, W]` (about [−1, 1]) for a sample or a predicted clean sample: the sample
    /// itself for a pixel-space model, `decode(z / scaling_factor + shift_factor)` for a latent one.
    public func decode(_ sample: Tensor) throws -> Tensor {
        guard let decoder else { return sample }
        return try decoder.decodeLatents(sample)
    }

    /// 8-bit RGB bytes (H × W × 3) for a sample, through `decode`.
    public func rgb8(_ sample: Tensor) throws -> [UInt8] {
        PixelConversion.rgb8(try decode(sample))
    }

    /// The final pixels of a prepared run's `sample`: decoded, then (for an inpaint) composited
    /// over the source so that every pixel outside the mask is the source's own.
    public func finalPixels(_ prepared: Prepared, sample: Tensor) throws -> [UInt8] {
        let pixels = try rgb8(sample)
        return prepared.composite?.apply(to: pixels) ?? pixels
    }

    /// The result of a complete generation.
    public struct Output: Sendable {
        public let request: GenerationRequest
        /// H × W × 3 bytes.
        public let pixels: [UInt8]
        public let width: Int
        public let height: Int
        /// The final sample (latents for a latent model).
        public let sample: Tensor
        public let warnings: [PromptWarning]
    }

    /// Runs `request` to the end, calling `onStep` after every step (return false to stop: then the
    /// result is nil). `onPrepared` sees the prepared run (and its warnings) before the first step.
    public func generate(_ request: GenerationRequest, edit: EditRequest? = nil,
                         onStep: (StepResult) throws -> Bool = { _ in true },
                         onPrepared: (Prepared) throws -> Void = { _ in }) throws -> Output? {
        let prepared = try prepare(request, edit: edit)
        try onPrepared(prepared)
        let run = prepared.run
        try run.run(onStep: onStep)
        guard run.isFinished else { return nil }
        let pixels = try finalPixels(prepared, sample: run.sample)
        return Output(request: request, pixels: pixels, width: request.width, height: request.height,
                      sample: run.sample, warnings: prepared.warnings)
    }

    func encode(_ prompt: String) throws -> (tokens: TokenizedText, conditioning: TextConditioning) {
        if let cached = encodings[prompt] { return cached }
        let encoded = try model.encode(prompt: prompt)
        encodings[prompt] = encoded
        encodingOrder.append(prompt)
        if encodingOrder.count > encodingCacheSize {
            encodings[encodingOrder.removeFirst()] = nil
        }
        return encoded
    }
}
