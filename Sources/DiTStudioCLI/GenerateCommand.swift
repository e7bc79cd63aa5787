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

    @Argument(help: "What to draw.")
    var prompt: String

    @Option(help: "What to steer away from (the unconditional branch; default: the empty prompt).")
    var negative: String = ""

    @Option(help: "Model directory in the diffusers layout (required for now).", completion: .directory)
    var model: String?

    @Option(help: "Random seed (default: a random one, written into the PNG).")
    var seed: UInt64?

    @Option(help: "Sampling steps (≥ 1).")
    var steps: Int = 20

    @Option(help: "Classifier-free guidance scale (≥ 0; 1 = no guidance).")
    var cfg: Float = 4.0

    @Option(help: "Timestep shift (> 0; default: the model's scheduler config, else 3).")
    var shift: Double?

    @Option(help: "Sampler: euler or heun (heun costs about two model calls per step).")
    var sampler: SamplerOption = .euler

    @Option(help: "Noise generator: torch (PyTorch's torch.randn, bit for bit) or native (Philox).")
    var rng: RNGOption = .torch

    @Option(help: "Image size WxH in pixels (default: the model's sample size).")
    var size: ImageSizeOption?

    @Option(help: "Output PNG (default: ./dit-<seed>.png, never overwriting: -1, -2, … are added).",
            completion: .file(extensions: ["png"]))
    var out: String?

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1 (got \(steps))") }
        guard steps <= 10_000 else { throw ValidationError("--steps must be at most 10000 (got \(steps))") }
        guard cfg.isFinite, cfg >= 0 else { throw ValidationError("--cfg must be a number ≥ 0 (got \(cfg))") }
        if let shift {
            guard shift.isFinite, shift > 0 else { throw ValidationError("--shift must be a number > 0 (got \(shift))") }
        }
        try validateModelAndSize(model: model, size: size)
    }

    func run() throws {
        let modelURL = URL(fileURLWithPath: model ?? ".")
        let loaded = try DiffusionModel(directory: modelURL)
        let pipeline = try GenerationPipeline(model: loaded)
        let imageSize = try size ?? ModelFacts.defaultSize(modelDirectory: modelURL, geometry: pipeline.geometry)
        let request = GenerationRequest(
            prompt: prompt, negativePrompt: negative,
            seed: seed ?? UInt64.random(in: 0...UInt64(UInt32.max)),
            steps: steps, guidanceScale: cfg,
            shift: try shift ?? ModelFacts.defaultShift(modelDirectory: modelURL),
            sampler: sampler.kind, noise: rng.kind,
            width: imageSize.width, height: imageSize.height)

        let progress = ProgressBar(total: request.steps)
        let output = try pipeline.generate(request, onStep: { step in
            progress.update(completed: step.index + 1)
            return true
        }, onPrepared: { prepared in
            for warning in prepared.warnings {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            progress.update(completed: 0)
        })
        progress.finish()
        guard let output else { throw ExitCode.failure }  // not reached: nothing stops the run

        let image = RGBImage(width: output.width, height: output.height, pixels: output.pixels)
        let parameters = PNGTextChunk(keyword: "parameters", text: Self.parameters(request, modelURL: modelURL).text)
        let path = try save(image, chunks: [parameters], seed: request.seed)
        print(path)
    }

    /// The A1111-style `parameters` chunk: prompt, `Negative prompt:` (when not empty, as A1111
    /// writes it), then `Steps, Sampler, CFG scale, Seed, Size, Model, Shift, RNG`.
    static func parameters(_ request: GenerationRequest, modelURL: URL) -> A1111Parameters {
        typealias Key = A1111Parameters.Key
        typealias Field = A1111Parameters.Field
        return A1111Parameters(prompt: request.prompt, negativePrompt: request.negativePrompt, fields: [
            Field(Key.steps, String(request.steps)),
            Field(Key.sampler, request.sampler.makeSampler().displayName),
            Field(Key.cfgScale, number(Double(request.guidanceScale))),
            Field(Key.seed, String(request.seed)),
            Field(Key.size, "\(request.width)x\(request.height)"),
            Field(Key.model, modelURL.standardizedFileURL.lastPathComponent),
            Field(Key.shift, number(request.shift)),
            Field(Key.rng, request.noise.rawValue),
        ])
    }

    /// Whole numbers without a fraction ("4"), others in full ("4.5"), as StudioCore writes them.
    private static func number(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Writes to `--out` (replacing it), or to the first free `./dit-<seed>[-n].png`.
    private func save(_ image: RGBImage, chunks: [PNGTextChunk], seed: UInt64) throws -> String {
        if let out {
            try PNGFile.write(image, textChunks: chunks, to: URL(fileURLWithPath: out), overwrite: true)
            return out
        }
        for attempt in 0..<10_000 {
            let name = attempt == 0 ? "dit-\(seed).png" : "dit-\(seed)-\(attempt).png"
            let path = "./" + name
            guard !FileManager.default.fileExists(atPath: path) else { continue }
            do {
                try PNGFile.write(image, textChunks: chunks, to: URL(fileURLWithPath: path), overwrite: false)
                return path
            } catch PNGError.destinationExists {
                continue  // another process took the name between the check and the write
            }
        }
        throw ValidationError("could not find a free file name ./dit-\(seed)-N.png; pass --out")
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
    guard let model else {
        throw ValidationError("--model DIR is required for now (the built-in model is not part of this build yet)")
    }
    let url = URL(fileURLWithPath: model)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw ValidationError("--model \(model): no such directory")
    }
    do {
        let geometry = try ImageGeometry(modelDirectory: url)
        if let size { try geometry.validate(width: size.width, height: size.height) }
    } catch let error as GenerationError {
        throw ValidationError("--size: \(error)")
    } catch {
        throw ValidationError("--model \(model): \(error)")
    }
}
