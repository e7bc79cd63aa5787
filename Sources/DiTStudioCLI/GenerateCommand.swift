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

    @Option(help: "Random seed (default: a random one, written into the PNG).")
    var seed: UInt64?

    @Option(help: "Sampling steps (≥ 1; default: the model's studio.json, else 20).")
    var steps: Int?

    @Option(help: "Classifier-free guidance scale g ≥ 0: v = v_uncond + g·(v_cond − v_uncond); 1 runs the prompt alone, 0 the negative alone, values between blend them (diffusers turns guidance off for every g ≤ 1). Default: the model's studio.json, else 4.")
    var cfg: Double?

    @Option(help: "Timestep shift (> 0; default: the model's studio.json, else its scheduler config, else 3).")
    var shift: Double?

    @Option(help: "Sampler: euler or heun (heun costs about two model calls per step).")
    var sampler: SamplerOption?

    @Option(help: "Noise generator: torch (PyTorch's torch.randn, bit for bit) or native (Philox).")
    var rng: RNGOption?

    @Option(help: "Image size WxH in pixels (default: the model's studio.json, else its sample size).")
    var size: ImageSizeOption?

    @OptionGroup var output: OutputOptions

    @Option(help: "Make an image again from the metadata of a PNG this studio (or an A1111-style tool) wrote; options given here override the image's.",
            completion: .file(extensions: ["png"]))
    var from: String?

    @OptionGroup(title: "Regional prompting")
    var regional: RegionalOptions

    func validate() throws {
        guard prompt != nil || from != nil || regional.layout != nil || regional.regionalPrompter != nil else {
            throw ValidationError("give a PROMPT, or --from IMAGE.png")
        }
        if let steps {
            guard steps >= 1 else { throw ValidationError("--steps must be at least 1 (got \(steps))") }
            guard steps <= 10_000 else { throw ValidationError("--steps must be at most 10000 (got \(steps))") }
        }
        if let cfg { guard cfg.isFinite, cfg >= 0 else { throw ValidationError("--cfg must be a number ≥ 0 (got \(cfg))") } }
        if let shift {
            guard shift.isFinite, shift > 0 else { throw ValidationError("--shift must be a number > 0 (got \(shift))") }
        }
        if let from, !FileManager.default.fileExists(atPath: from) {
            throw ValidationError("--from \(from): no such file")
        }
        try output.validate()
        // With --from and no --model, the image names its model; run() resolves it.
        if from == nil || model != nil { try validateModelAndSize(model: model, size: size) }
    }

    func run() throws {
        ProcessSignals.stopGracefully()
        var (parameters, kind, notes) = try startingParameters()
        if let layout = try regional.makeLayout(basePrompt: prompt, warn: { warning in
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }) {
            kind = .regional(layout)
            parameters.prompt = layout.basePrompt
        }
        for note in notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        let engine = DiTGenerationEngine()
        engine.onWarnings = { warnings in
            for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        }
        let description = try engine.loadModel(at: parameters.model)
        do { try parameters.validate(for: description) } catch { throw ValidationError("\(error)") }
        if ProcessSignals.stopRequested { throw ProcessSignals.interrupted(detail: "no image was written") }

        let progress = ProgressBar(total: parameters.steps)
        progress.update(completed: 0)
        let engineJob: EngineJob
        do {
            engineJob = try EngineJob(kind: kind, parameters: parameters, directory: URL(fileURLWithPath: "."))
        } catch { throw CLIError.badInput("\(error)") }
        let result = try engine.generate(engineJob, onStep: { step, _ in
            progress.update(completed: step.index)
            return ProcessSignals.stopRequested ? .stop : .continue
        })
        progress.finish()
        // A stop signal ends the run at a step boundary; nothing is written then.
        guard case let .finished(image) = result, !ProcessSignals.stopRequested else {
            throw ProcessSignals.interrupted(detail: "no image was written")
        }

        let provenance = ImageProvenance(session: nil, jobID: nil, kind: kind, parameters: parameters,
                                         seedPolicy: .fixed, model: description, createdAt: Timestamp.now())
        let path = try output.save(image, chunks: try ImageMetadata.textChunks(for: provenance), seed: parameters.seed)
        print(path)
    }

    /// The job to run: the image's (with `--from`) or the defaults — built-in, then the model's
    /// scheduler config and `studio.json` — and then the options given here, which win.
    /// `model` stays nil for the default model, so the metadata says "the default model".
    private func startingParameters() throws -> (GenerateParameters, JobKind, [String]) {
        var notes: [String] = []
        var p: GenerateParameters
        var kind = JobKind.generate
        if let from {
            let metadata = try ImageMetadata(contentsOf: URL(fileURLWithPath: from))
            guard let found = metadata.jobRequest(defaults: GenerateParameters(prompt: "")) else {
                throw ValidationError("--from \(from): the image has neither a 'dit-studio' nor a 'parameters' text chunk")
            }
            if let refusal = DiTGenerationEngine.capabilities.refusal(for: found.request.kind) {
                throw CLIError.badInput("--from \(from): the image was made by a job this engine cannot run: \(refusal)")
            }
            kind = found.request.kind
            p = found.request.parameters
            notes = found.notes
            if let path = p.model, model == nil, !FileManager.default.fileExists(atPath: path) {
                notes.append("the image's model \(path) is not here; using the default model")
                p.model = nil
            }
        } else {
            let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory()
            p = GenerateParameters(prompt: "", seed: UInt64.random(in: 0...UInt64(UInt32.max)),
                                   shift: try ModelFacts.defaultShift(modelDirectory: modelURL))
            let size = try ModelFacts.defaultSize(modelDirectory: modelURL, geometry: try ImageGeometry(modelDirectory: modelURL))
            (p.width, p.height) = (size.width, size.height)
            p = try ModelStudioDefaults(modelDirectory: modelURL).applied(to: p)
        }
        if let prompt { p.prompt = prompt }
        if let negative { p.negativePrompt = negative }
        if let model { p.model = model }
        if let seed { p.seed = seed }
        if let steps { p.steps = steps }
        if let cfg { p.guidance = cfg }
        if let shift { p.shift = shift }
        if let sampler { p.sampler = sampler == .heun ? .heun : .euler }
        if let rng { p.rng = rng == .native ? .native : .torch }
        if let size { (p.width, p.height) = (size.width, size.height) }
        return (p, kind, notes)
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

/// Reads the model facts the commands need before (or without) loading weights.
enum ModelFacts {
    /// The size diffusers' pipeline defaults to: `sample_size` latent cells × the VAE factor.
    static func defaultSize(modelDirectory: URL, geometry: ImageGeometry) throws -> ImageSizeOption {
        let layout = try ModelDirectory(url: modelDirectory)
        let config = try ModelConfig(contentsOf: layout.transformerConfigURL, name: "transformer/config.json")
        let side = try config.int("sample_size", default: 128) * geometry.downsamplingFactor
        return ImageSizeOption(width: side, height: side)
    }

    /// `shift` from `scheduler/scheduler_config.json` when the model has one, else SD3's 3.0.
    static func defaultShift(modelDirectory: URL) throws -> Double {
        let url = modelDirectory.appendingPathComponent("scheduler/scheduler_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return 3.0 }
        let config = try ModelConfig(contentsOf: url, name: "scheduler/scheduler_config.json")
        return Double(try config.float("shift", default: 3.0))
    }
}

/// Checks that the model directory exists and the size fits it; turns engine errors into
/// validation errors (usage message, exit status 2).
func validateModelAndSize(model: String?, size: ImageSizeOption?) throws {
    let url: URL
    if let model {
        url = URL(fileURLWithPath: model)
    } else {
        do { url = try DefaultModel.directory() } catch { throw ValidationError("\(error)") }
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw ValidationError("--model \(url.path): no such directory")
    }
    do {
        let geometry = try ImageGeometry(modelDirectory: url)
        if let size { try geometry.validate(width: size.width, height: size.height) }
    } catch let error as GenerationError {
        throw ValidationError("--size: \(error)")
    } catch {
        throw ValidationError("--model \(url.path): \(error)")
    }
}
