import ArgumentParser
import DiTEngine
import Foundation
import StudioCore

/// `dit-studio edit --image IN.png --mode …`: one edit of an image, saved as a PNG whose metadata
/// records the source (path and fingerprint) and every parameter, so `generate --from` makes it again.
struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit an image: img2img, inpaint, attention-injection edit or variation.",
        discussion: """
            img2img noises the image to --strength of the schedule and samples it again with --prompt. \
            inpaint regenerates what --mask-box boxes and a --mask PNG (white = regenerate) cover, and \
            keeps every other pixel exactly. inject turns --source-prompt (what the image shows) into \
            --prompt while keeping the rest of the image. variation samples the same prompt with a new \
            seed from a low strength. The image is resized to a size the model takes when it has to \
            be (said on standard error).
            """
    )

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case img2img, inpaint, inject, variation
    }

    @Option(help: "The source image (PNG).", completion: .file(extensions: ["png"]))
    var image: String

    @Option(help: "img2img, inpaint, inject or variation.")
    var mode: Mode

    @Option(help: "What the result should show (default: the source image's own prompt, from its metadata).")
    var prompt: String?

    @Option(help: "inject: what the source image shows (default: its own prompt, from its metadata).")
    var sourcePrompt: String?

    @Option(help: "How much of the schedule to run again, in (0, 1] (default: img2img 0.6, inpaint 1, variation 0.35).")
    var strength: Double?

    @Option(name: .customLong("mask-box"), help: ArgumentHelp("inpaint: a box to regenerate, x0,y0,x1,y1 in fractions of the image (repeatable).", valueName: "x0,y0,x1,y1"))
    var maskBoxes: [String] = []

    @Option(help: "inpaint: a mask PNG, white = regenerate (stretched to the image's size).", completion: .file(extensions: ["png"]))
    var mask: String?

    @Option(help: "inpaint: blend the result into the source over this many pixels inside the mask's edge.")
    var feather: Int = 0

    @Option(help: "Model directory (default: $DIT_STUDIO_MODEL, else the built-in model).", completion: .directory)
    var model: String?

    @Option(help: "Random seed (default: a random one, written into the PNG).")
    var seed: UInt64?

    @Option(help: "Sampling steps of the full schedule (default: the model's studio.json).")
    var steps: Int?

    @Option(help: "Guidance scale (default: the model's studio.json).")
    var cfg: Double?

    @Option(help: CacheOption.help)
    var cache: CacheOption = .off

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try output.validate()
        if let strength, !(strength.isFinite && strength > 0 && strength <= 1) {
            throw ValidationError("--strength must be in (0, 1] (got \(strength))")
        }
        if let steps, !(1...10_000).contains(steps) { throw ValidationError("--steps must be between 1 and 10000 (got \(steps))") }
        if let cfg, !(cfg.isFinite && cfg >= 0) { throw ValidationError("--cfg must be a number ≥ 0 (got \(cfg))") }
        guard (0...64).contains(feather) else { throw ValidationError("--feather must be 0 to 64 pixels (got \(feather))") }
        if mode == .inpaint {
            guard !maskBoxes.isEmpty || mask != nil else {
                throw ValidationError("--mode inpaint needs --mask-box x0,y0,x1,y1 or --mask MASK.png (what to regenerate)")
            }
        } else if !maskBoxes.isEmpty || mask != nil || feather != 0 {
            throw ValidationError("--mask-box, --mask and --feather apply to --mode inpaint")
        }
        if sourcePrompt != nil, mode != .inject { throw ValidationError("--source-prompt applies to --mode inject") }
        for box in maskBoxes { _ = try Self.parseBox(box) }
    }

    func run() throws {
        let sourceURL = URL(fileURLWithPath: image)
        let png: PNGImage
        let fingerprint: String
        do {
            png = try PNGFile.read(from: sourceURL)
            fingerprint = try ContentFingerprint.of(fileAt: sourceURL)
        } catch let error as PNGError { throw CLIError.badInput("--image: \(error)") }
        catch { throw CLIError.badInput("--image \(image): \(error)") }

        let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory()
        let engine = DiTGenerationEngine()
        engine.onWarnings = { warnings in
            for warning in warnings { Console.error("warning: \(warning)") }
        }
        let description = try engine.loadModel(at: model)
        var p = try ModelDefaults(modelDirectory: modelURL).parameters(prompt: "", seed: seed ?? UInt64.random(in: 0...UInt64(UInt32.max)),
                                                                     model: model)
        if let steps { p.steps = steps }
        if let cfg { p.guidance = cfg }
        p.caching = cache.level
        (p.width, p.height) = Self.size(for: png.image, model: description)
        if (p.width, p.height) != (png.image.width, png.image.height) {
            note("the source is \(png.image.width)x\(png.image.height); the model takes multiples of \(description.sizeMultiple) up to \(description.maxSide.map(String.init) ?? "any size"), so it is resized to \(p.width)x\(p.height)")
        }
        let ownPrompt = (try? ImageMetadata(png: png).jobRequest(defaults: GenerateParameters(prompt: ""),
                                                                    capabilities: DiTGenerationEngine.capabilities))?.request.parameters.prompt
        guard let target = prompt ?? ownPrompt, !target.isEmpty else {
            throw CLIError.badInput("--prompt is needed: the source image carries no prompt of its own")
        }
        p.prompt = target
        let reference = ImageReference(path: sourceURL.standardizedFileURL.path, fingerprint: fingerprint)
        let operation: EditOperation
        switch mode {
        case .img2img:
            operation = .img2img(source: reference, strength: strength ?? 0.6)
        case .variation:
            operation = .variation(source: reference, strength: strength ?? 0.35)
        case .inpaint:
            operation = .inpaint(source: reference, boxes: try maskBoxes.map(Self.parseBox),
                                 mask: mask.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                                 strength: strength ?? 1, feather: feather)
        case .inject:
            guard let from = sourcePrompt ?? ownPrompt, !from.isEmpty else {
                throw CLIError.badInput("--source-prompt is needed: the source image carries no prompt of its own")
            }
            operation = .inject(source: reference, sourcePrompt: from, targetPrompt: target)
        }
        let kind = JobKind.edit(operation)
        if let refusal = DiTGenerationEngine.capabilities.refusal(for: kind) { throw CLIError.badInput(refusal) }
        do { try p.validate(for: description) } catch { throw CLIError.badInput("\(error)") }

        let job: EngineJob
        do { job = try EngineJob(kind: kind, parameters: p, directory: URL(fileURLWithPath: ".")) }
        catch { throw CLIError.badInput("\(error)") }
        let progress = ProgressBar(total: p.steps)
        let result = try engine.generate(job) { step, _ in
            progress.update(completed: step.index)
            return .continue
        }
        progress.finish()
        guard case let .finished(output) = result else { throw ExitCode.failure }
        let provenance = ImageProvenance(session: nil, jobID: nil, kind: kind, parameters: p, seedPolicy: .fixed,
                                         model: description, createdAt: Timestamp.now())
        let path = try self.output.save(output, chunks: try ImageMetadata.textChunks(for: provenance), seed: p.seed)
        print(path)
    }

    private func note(_ text: String) {
        Console.error("note: \(text)")
    }

    /// The source's size when the model takes it, else the nearest size it takes.
    static func size(for image: RGBImage, model: ModelDescription) -> (Int, Int) {
        func fit(_ side: Int) -> Int {
            let multiple = model.sizeMultiple
            var fitted = max(multiple, Int((Double(side) / Double(multiple)).rounded()) * multiple)
            if let maxSide = model.maxSide { fitted = min(fitted, maxSide) }
            return fitted
        }
        return (fit(image.width), fit(image.height))
    }

    static func parseBox(_ text: String) throws -> RegionBox {
        guard let box = RegionBox(commaSeparated: text[...]) else {
            throw ValidationError("--mask-box '\(text)': write four numbers x0,y0,x1,y1 in fractions of the image, e.g. 0.25,0.25,0.75,0.75")
        }
        do { try box.validate() } catch { throw ValidationError("--mask-box '\(text)': \(error)") }
        return box
    }
}
