import ArgumentParser
import DiTEngine
import Foundation
import StudioCore

/// `dit-studio generate PROMPT …`: one image, saved as a PNG with A1111-style `parameters`.
/// The interface is fixed (other tools call it); see the "Command line".
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate an image from a prompt and save it as a PNG.",
        discussion: """
            Prints the path of the saved image. With a terminal on standard error, a progress bar \
            shows the step, it/s and ETA. The PNG carries the generation parameters in an \
            A1111-style `parameters` text chunk. The same options and seed give the same image; \
            with --rng torch the initial noise is exactly PyTorch's torch.randn for the seed.
            """
    )

    @Argument(help: "What to draw (may be left out with --from).")
    var prompt: String?

    @Option(help: "What to steer away from (the unconditional branch; default: the empty prompt).")
    var negative: String?

    @Option(help: "Model directory in the diffusers layout (default: $DIT_STUDIO_MODEL, else the built-in shapes-mmdit).",
            completion: .directory)
    var model: String?

    // Numbers are parsed unconditionally, so that `--steps -1` is read as the value −1 (and refused
    // by validate() with the range) instead of as a missing value followed by an unknown flag.
    @Option(parsing: .unconditional, help: "Random seed (default: a random one, written into the PNG).")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Sampling steps (1–10000; default: the model's studio.json, else 20).")
    var steps: Int?

    @Option(parsing: .unconditional, help: "Classifier-free guidance scale g, 0–100: v = v_uncond + g·(v_cond − v_uncond); 1 runs the prompt alone, 0 the negative alone, values between blend them (diffusers turns guidance off for every g ≤ 1). Default: the model's studio.json, else 4.")
    var cfg: Double?

    @Option(parsing: .unconditional, help: "Timestep shift (0.01–100; default: the model's studio.json, else its scheduler config, else 3).")
    var shift: Double?

    @Option(help: "Sampler: euler or heun (heun costs about two model calls per step).")
    var sampler: SamplerOption?

    @Option(help: "Noise generator: torch (PyTorch's torch.randn, bit for bit) or native (Philox).")
    var rng: RNGOption?

    @Option(parsing: .unconditional, help: "Image size WxH in pixels, each side 1–8192 and fitting the model (default: the model's studio.json, else its sample size).")
    var size: ImageSizeOption?

    @Option(parsing: .unconditional, help: "BLAS threads, 1–1024 (default: $DIT_STUDIO_THREADS, else OPENBLAS_NUM_THREADS, else one per core that no other process is using).")
    var threads: Int?

    @Option(help: CacheOption.help)
    var cache: CacheOption?

    @OptionGroup var output: OutputOptions

    @Option(help: "Make an image again from the metadata of a PNG this studio (or an A1111-style tool) wrote; options given here override the image's.",
            completion: .file(extensions: ["png"]))
    var from: String?

    @OptionGroup(title: "Regional prompting")
    var regional: RegionalOptions

    /// Command-line mistakes only: each flag's range, and that the paths named exist and are of the
    /// right kind. What the files hold is checked in run(), where errors name the file and key.
    func validate() throws {
        guard prompt != nil || from != nil || regional.layout != nil || regional.regionalPrompter != nil else {
            throw ValidationError("give a PROMPT, or --from IMAGE.png")
        }
        if let steps, let problem = GenerateParameters.stepsProblem(steps) { throw ValidationError("--steps \(problem)") }
        if let cfg, let problem = GenerateParameters.guidanceProblem(cfg) { throw ValidationError("--cfg \(problem)") }
        if let shift, let problem = GenerateParameters.shiftProblem(shift) { throw ValidationError("--shift \(problem)") }
        if let size, let problem = GenerateParameters.sideProblem(width: size.width, height: size.height) {
            throw ValidationError("--size \(problem)")
        }
        if let threads, !(1...1024).contains(threads) {
            throw ValidationError("--threads must be between 1 and 1024 (got \(threads))")
        }
        if let from { try validateExistingFile(from, flag: "--from", expected: "a PNG image") }
        if let model { try validateModelDirectory(model) }
        try output.validate()
    }

    func run() throws {
        ProcessSignals.stopGracefully()
        if let threads { BLAS.setThreads(threads) }
        var (plan, kind) = try startingPlan()
        if let layout = try regional.makeLayout(basePrompt: prompt, warn: { Console.error("warning: \($0)") }) {
            kind = .regional(layout)
            plan.parameters.prompt = layout.basePrompt
        }
        for note in plan.notes { Console.error("note: \(note)") }
        // What the files gave is checked before the weights load: ranges, then the model's size rules.
        let modelURL = try plan.parameters.model.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DefaultModel.directory()
        try plan.check { try $0.validate() }
        let geometry = try ImageGeometry(modelDirectory: modelURL)
        try plan.check { try geometry.validate(width: $0.width, height: $0.height) }
        StartupTimings.mark("plan and model configs read")

        let engine = DiTGenerationEngine()
        engine.onWarnings = { warnings in
            for warning in warnings { Console.error("warning: \(warning)") }
        }
        let description = try engine.loadModel(at: plan.parameters.model)
        StartupTimings.mark("model loaded")
        try plan.check { try $0.validate(for: description) }
        let parameters = plan.parameters
        if ProcessSignals.stopRequested { throw ProcessSignals.interrupted(detail: "no image was written") }

        let progress = ProgressBar(total: parameters.steps)
        progress.update(completed: 0)
        let engineJob: EngineJob
        do {
            engineJob = try EngineJob(kind: kind, parameters: parameters, directory: URL(fileURLWithPath: "."))
        } catch { throw CLIError.badInput("\(error)") }
        let result = try engine.generate(engineJob, onStep: { step, _ in
            if step.index <= 2 || step.index == step.total { StartupTimings.mark("step \(step.index) of \(step.total) done") }
            progress.update(completed: step.index)
            return ProcessSignals.stopRequested ? .stop : .continue
        })
        StartupTimings.mark("image decoded")
        progress.finish()
        // A stop signal ends the run at a step boundary; nothing is written then.
        guard case let .finished(image) = result, !ProcessSignals.stopRequested else {
            throw ProcessSignals.interrupted(detail: "no image was written")
        }

        let provenance = ImageProvenance(session: nil, jobID: nil, kind: kind, parameters: parameters,
                                         seedPolicy: .fixed, model: description, createdAt: Timestamp.now())
        let path = try output.save(image, chunks: try ImageMetadata.textChunks(for: provenance), seed: parameters.seed)
        StartupTimings.mark("PNG written")
        print(path)
    }

    /// The job to run: the image's (with `--from`) or the model's defaults (`ModelDefaults`), and
    /// then the options given here, which win; with where each checked value came from. `model`
    /// stays nil for the default model, so the metadata says "the default model".
    private func startingPlan() throws -> (GenerationPlan, JobKind) {
        var plan: GenerationPlan
        var kind = JobKind.generate
        if let from {
            let url = URL(fileURLWithPath: from)
            let metadata = try ImageMetadata(contentsOf: url)
            // What the image does not say (an A1111 chunk without a shift) comes from the model's defaults.
            let recipe = try metadata.jobRequest(defaults: try ModelDefaults(model: model).parameters,
                                                 capabilities: DiTGenerationEngine.capabilities)
            plan = GenerationPlan(parameters: recipe.request.parameters, origin: .image(path: url.path, recipe: recipe))
            plan.notes = recipe.notes
            kind = recipe.request.kind
            if let path = plan.parameters.model, model == nil {
                if FileManager.default.fileExists(atPath: path) {
                    plan.notes.append("using the model the image names, \(path) (--model chooses another)")
                } else {
                    plan.notes.append("the image's model \(path) is not here; using the default model")
                    plan.parameters.model = nil
                }
            }
        } else {
            let defaults = try ModelDefaults(model: model)
            plan = GenerationPlan(defaults: defaults, seed: UInt64.random(in: 0...UInt64(UInt32.max)))
        }
        if let prompt { plan.parameters.prompt = prompt }
        if let negative { plan.parameters.negativePrompt = negative }
        if let model { plan.parameters.model = model }
        if let seed { plan.parameters.seed = seed }
        if let steps { plan.set("steps", from: .flag("--steps")) { $0.steps = steps } }
        if let cfg { plan.set("guidance", from: .flag("--cfg")) { $0.guidance = cfg } }
        if let shift { plan.set("shift", from: .flag("--shift")) { $0.shift = shift } }
        if let sampler { plan.parameters.sampler = sampler == .heun ? .heun : .euler }
        if let rng { plan.parameters.rng = rng == .native ? .native : .torch }
        if let size { plan.set("size", from: .flag("--size")) { ($0.width, $0.height) = (size.width, size.height) } }
        if let cache { plan.parameters.caching = cache.level }
        return (plan, kind)
    }
}

// MARK: - Options shared with `bench`

// Command-line spellings, kept apart from the engine's enums (apple/ml-stable-diffusion's habit):
// renaming an engine case must not change the command line other tools depend on.

/// `--sampler euler|heun`
enum SamplerOption: String, ExpressibleByArgument, CaseIterable {
    case euler, heun

    var kind: SamplerKind {
        switch self {
        case .euler: return .euler
        case .heun: return .heun
        }
    }
}

/// `--rng native|torch`
enum RNGOption: String, ExpressibleByArgument, CaseIterable {
    case native, torch

    var kind: NoiseKind {
        switch self {
        case .native: return .native
        case .torch: return .torch
        }
    }
}

/// `--size WxH` in pixels, e.g. `64x64`.
struct ImageSizeOption: ExpressibleByArgument, Equatable, CustomStringConvertible {
    var width: Int
    var height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            return nil
        }
        self.init(width: width, height: height)
    }

    var description: String { "\(width)x\(height)" }
    static var defaultValueDescription: String { "WxH" }
}

/// `--model DIR`: it must exist and be a directory (what it holds is checked when it is read, with
/// messages naming its files).
func validateModelDirectory(_ model: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory) else {
        throw ValidationError("--model \(model): no such directory")
    }
    guard isDirectory.boolValue else {
        throw ValidationError("--model \(model): is a file; expected a model directory (diffusers layout, with model_index.json)")
    }
}

/// A file named by `flag` must exist and not be a directory.
func validateExistingFile(_ path: String, flag: String, expected: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw ValidationError("\(flag) \(path): no such file")
    }
    guard !isDirectory.boolValue else { throw ValidationError("\(flag) \(path): is a directory; expected \(expected)") }
}

/// Checks that the model directory exists and the size fits it (for `bench`, whose run times
/// nothing until then): a flag mistake shows usage, a file's content does not.
func validateModelAndSize(model: String?, size: ImageSizeOption?) throws {
    if let model { try validateModelDirectory(model) }
    guard let size else { return }
    if let problem = GenerateParameters.sideProblem(width: size.width, height: size.height) {
        throw ValidationError("--size \(problem)")
    }
}
