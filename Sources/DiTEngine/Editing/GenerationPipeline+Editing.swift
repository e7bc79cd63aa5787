/// Edits: runs that start from a source image rather than pure noise.
extension GenerationPipeline {
    /// The source as the sampled tensor `[1, C, h, w]`: the encoder latent for a latent model
    /// (`(mean − shift)·scaling`), the image itself for a pixel-space model.
    public func encodeSource(_ rgb: [UInt8], width: Int, height: Int) throws -> Tensor {
        let image = PixelConversion.tensor(rgb8: rgb, width: width, height: height)
        guard let decoder else { return image }
        guard let encoder = decoder as? LatentEncoder else {
            throw GenerationError.invalidRequest("this model's VAE cannot encode images, so it cannot edit them")
        }
        return try encoder.encodeLatents(image)
    }

    func prepareEdit(_ edit: EditRequest, request: GenerationRequest, guidance: ClassifierFreeGuidance,
                     noise: Tensor, schedule: FlowMatchSchedule, warnings: [PromptWarning]) throws -> Prepared {
        try edit.validate(width: request.width, height: request.height)
        if case let .inject(sourcePrompt, vitalBlocks) = edit.mode {
            return try prepareInjection(edit.source, sourcePrompt: sourcePrompt, vitalBlocks: vitalBlocks,
                                        request: request, warnings: warnings)
        }
        let source = try encodeSource(edit.source, width: request.width, height: request.height)
        let strength: Double
        var afterStep: GenerationRun.StepHook?
        var composite: PixelComposite?
        switch edit.mode {
        case .inject:
            preconditionFailure("handled above")
        case .img2img(let s):
            strength = s
        case let .inpaint(mask, s, feather):
            strength = s
            let cells = LatentMask.cells(of: mask, factor: decoder?.downsamplingFactor ?? 1)
            let keep = Self.knownArea(cells.values, channels: source.shape[1])
            afterStep = { sample, _, sigma in
                // x ← m·x + (1 − m)·((1 − σ)·x_src + σ·ε): the known area on its way down the schedule.
                sample.withUnsafeMutableBufferPointer { x in
                    source.withUnsafeBufferPointer { src in
                        noise.withUnsafeBufferPointer { eps in
                            for i in x.indices where keep[i] {
                                x[i] = (1 - sigma) * src[i] + sigma * eps[i]
                            }
                        }
                    }
                }
            }
            composite = PixelComposite(source: edit.source, mask: mask, feather: feather)
        }
        let first = schedule.startStep(strength: strength)
        guard first < schedule.steps else {
            throw GenerationError.invalidRequest("strength \(strength) leaves no step of \(schedule.steps) to run; raise the strength or the steps")
        }
        let sigma = schedule.sigmas[first]
        // diffusers' scale_noise: σ·ε + (1 − σ)·x_src.
        var start = noise
        start.scale(by: sigma)
        start.add(source, scaledBy: 1 - sigma)
        let run = GenerationRun(model: model.transformer, guidance: guidance, noise: start, schedule: schedule,
                                sampler: request.sampler.makeSampler(), firstStep: first, afterStep: afterStep,
                                cache: makeCache(request, firstStep: first))
        return Prepared(run: run, warnings: warnings, request: request, composite: composite)
    }

    /// An attention-injection edit: the source inverted with `sourcePrompt` (guidance 1, the
    /// request's steps and shift), then the request's prompt sampled from the inverted noise with
    /// the reference branch injected in `vitalBlocks`. Euler steps (the reference trajectory has one
    /// sample per noise level).
    func prepareInjection(_ rgb: [UInt8], sourcePrompt: String, vitalBlocks: [Int], request: GenerationRequest,
                          warnings: [PromptWarning]) throws -> Prepared {
        let blocks = model.transformer.config.numLayers
        guard vitalBlocks.allSatisfy({ (0..<blocks).contains($0) }) else {
            throw GenerationError.invalidRequest("vital blocks \(vitalBlocks) do not exist in a model of \(blocks) blocks; run `dit-studio vital-layers` again for this model")
        }
        var inversionRequest = request
        inversionRequest.prompt = sourcePrompt
        inversionRequest.guidanceScale = 1
        inversionRequest.regional = nil
        inversionRequest.cache = nil
        guard let inversion = try invert(rgb, request: inversionRequest) else {
            throw GenerationError.invalidRequest("the inversion was stopped")
        }
        let contextLength = model.textEncoder.config.maxPositionEmbeddings
        let source = try encode(sourcePrompt)
        let target = try encode(request.prompt)
        let negative = try encode(request.negativePrompt)
        var allWarnings = warnings
        allWarnings += PromptWarning.warnings(for: source.tokens, role: .sourcePrompt, contextLength: contextLength)
        let injection = AttentionInjection(model: model.transformer, inversion: inversion,
                                           reference: (source.conditioning, negative.conditioning),
                                           edit: (target.conditioning, negative.conditioning),
                                           vitalBlocks: Set(vitalBlocks))
        let run = GenerationRun(model: model.transformer,
                                guidance: ClassifierFreeGuidance(scale: request.guidanceScale, conditioning: injection),
                                noise: inversion.noise, schedule: inversion.schedule, sampler: EulerSampler(),
                                cache: makeCache(request, firstStep: 0))
        return Prepared(run: run, warnings: allWarnings, request: request)
    }

    /// Per latent element, whether it belongs to the known (kept) area.
    static func knownArea(_ cells: [Float], channels: Int) -> [Bool] {
        (0..<channels).flatMap { _ in cells.map { $0 == 0 } }
    }
}
