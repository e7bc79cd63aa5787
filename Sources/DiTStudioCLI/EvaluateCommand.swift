import ArgumentParser
import DiTEngine
import Foundation
import ShapesWorld
import StudioCore

/// `dit-studio evaluate`: adherence of a Shapes-World model through this engine on the fixed caption set
/// (`eval-captions-v1.json` beside the built-in model) — the same captions, seeds and torch noise as
/// `Training/evaluate.py`, so that the two engines can be compared caption by caption.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure how well a Shapes-World model follows its captions (the built-in model by default).",
        discussion: """
            Generates every caption of the fixed evaluation set with its own seed (torch RNG) at the \
            model's studio defaults and scores the image with the Shapes-World detector: the share of \
            captions whose every object is found with the right colour, shape, size and position, and \
            the share with the right background, each with its Wilson 95% interval, then the failures \
            per object count by class (object missing, wrong colour, wrong shape, colour/shape swapped, \
            wrong position, wrong size, extra object, background). With --score-images it scores \
            existing PNGs (NNN.png by item id, e.g. from Training/evaluate.py --save-images) instead.
            """
    )

    @Option(help: "Model directory (default: $DIT_STUDIO_MODEL, else the built-in model).", completion: .directory)
    var model: String?

    @Option(help: "Caption set (default: \(EvaluationSet.defaultFileName) in the model directory, else beside the built-in model).",
            completion: .file(extensions: ["json"]))
    var captions: String?

    @Option(help: "Only the first N captions of each object count (default: all).")
    var n: Int?

    @Option(help: "Sampling steps (default: the model's studio.json, else 20).")
    var steps: Int?

    @Option(help: "Guidance scale (default: the model's studio.json, else 4).")
    var cfg: Double?

    @Option(help: "Timestep shift (default: the model's studio.json, else its scheduler config, else 3).")
    var shift: Double?

    @Option(help: CacheOption.help)
    var cache: CacheOption = .off

    @Option(help: "Write one JSON line per caption (the fields of Training/evaluate.py --records).", completion: .file())
    var records: String?

    @Option(help: "Write every generated image to this folder as NNN.png (item id).", completion: .directory)
    var saveImages: String?

    @Option(help: "Score these PNGs (NNN.png by item id) instead of generating; no model is loaded.", completion: .directory)
    var scoreImages: String?

    @Flag(help: "List every caption that fails, with its failure classes.")
    var showFailures = false

    /// Failures of this command's own inputs.
    enum Failure: Error, CustomStringConvertible {
        case noCaptionSet(searched: [String])
        case missingImage(path: String, id: Int)
        case wrongImageSize(path: String, width: Int, height: Int)

        var description: String {
            switch self {
            case let .noCaptionSet(searched):
                return "no evaluation caption set found (looked for \(searched.joined(separator: ", "))); pass --captions FILE"
            case let .missingImage(path, id):
                return "\(path): no image for caption \(id); --score-images needs one PNG per item, named by its id (NNN.png)"
            case let .wrongImageSize(path, width, height):
                return "\(path): \(width)×\(height) pixels; the Shapes-World detector scores 64×64 images"
            }
        }
    }

    func validate() throws {
        if let n, !(1...10_000).contains(n) { throw ValidationError("--n must be between 1 and 10000 (got \(n))") }
        if let steps, !GenerateParameters.stepsRange.contains(steps) { throw ValidationError("--steps must be between 1 and 10000") }
        if let cfg, !(cfg >= 0) { throw ValidationError("--cfg must be ≥ 0") }
        if let shift, !(shift > 0) { throw ValidationError("--shift must be > 0") }
        if scoreImages != nil, saveImages != nil { throw ValidationError("--score-images and --save-images exclude each other") }
    }

    func run() throws {
        let modelDirectory: URL? = scoreImages == nil || model != nil
            ? try model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory() : nil
        let set = try EvaluationSet(contentsOf: try captionSetURL(modelDirectory: modelDirectory)).firstPerCount(n)
        let started = Date()
        let detector = Detector()
        var scores: [CaptionScore] = []
        var recordLines: [String] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func score(_ item: EvaluationSet.Item, pixels: [UInt8], width: Int, height: Int) throws {
            let caption = try Caption(parsing: item.caption)
            let s = CaptionScore(item: item, diagnosis: detector.diagnose(pixels: pixels, width: width, height: height, caption: caption))
            scores.append(s)
            recordLines.append(String(decoding: try encoder.encode(s), as: UTF8.self))
            if showFailures, !s.adheres {
                print("✗ \(item.id) seed \(item.seed) \(s.errors.map(\.rawValue).joined(separator: ",")) · bg \(s.detectedBackground) · \(item.caption)")
            }
        }

        let header: String
        if let scoreImages {
            let folder = URL(fileURLWithPath: scoreImages, isDirectory: true)
            for item in set.items {
                let url = folder.appendingPathComponent(String(format: "%03d.png", item.id))
                guard FileManager.default.fileExists(atPath: url.path) else { throw Failure.missingImage(path: url.path, id: item.id) }
                let image = try PNGFile.read(from: url).image
                guard image.width == 64, image.height == 64 else {
                    throw Failure.wrongImageSize(path: url.path, width: image.width, height: image.height)
                }
                try score(item, pixels: image.pixels, width: image.width, height: image.height)
            }
            header = "\(scoreImages): \(scores.count) images of \(set.version) scored by the Swift detector"
        } else {
            let directory = modelDirectory!
            // The same defaults as `generate` and the studio.
            let modelDefaults = try ModelDefaults(modelDirectory: directory)
            let defaults = modelDefaults.parameters
            let (steps, cfg, shift) = (steps ?? defaults.steps, cfg ?? defaults.guidance, shift ?? defaults.shift)
            let pipeline = try GenerationPipeline(model: try DiffusionModel(directory: directory))
            let (plan, notice) = modelDefaults.cachePlan(for: cache.level, layers: pipeline.model.transformer.config.numLayers)
            if let notice { Console.error("note: \(notice)") }
            var samplingSeconds = 0.0, samplingCPUSeconds = 0.0
            var cacheTotals = FeatureCache.Statistics()
            let imageFolder = saveImages.map { URL(fileURLWithPath: $0, isDirectory: true) }
            if let imageFolder { try FileManager.default.createDirectory(at: imageFolder, withIntermediateDirectories: true) }
            for item in set.items {
                let request = GenerationRequest(prompt: item.caption, seed: item.seed, steps: steps,
                                                guidanceScale: Float(cfg), shift: shift, noise: .torch,
                                                width: 64, height: 64, cache: plan)
                var loopStart = Date(), loopCPUStart = Self.threadCPUSeconds()
                var runCache: FeatureCache?
                let output = try pipeline.generate(request, onStep: { step in
                    if step.index + 1 == step.total {
                        samplingSeconds += Date().timeIntervalSince(loopStart)
                        samplingCPUSeconds += Self.threadCPUSeconds() - loopCPUStart
                    }
                    return true
                }, onPrepared: { prepared in
                    runCache = prepared.run.cache
                    loopStart = Date()
                    loopCPUStart = Self.threadCPUSeconds()
                })
                if let statistics = runCache?.statistics { cacheTotals.add(statistics) }
                guard let output else { continue }
                if let imageFolder {
                    try PNGFile.write(RGBImage(width: output.width, height: output.height, pixels: output.pixels),
                                      to: imageFolder.appendingPathComponent(String(format: "%03d.png", item.id)),
                                      overwrite: true)
                }
                try score(item, pixels: output.pixels, width: output.width, height: output.height)
            }
            header = "\(directory.lastPathComponent): \(scores.count) captions of \(set.version), Swift engine, "
                + "steps \(steps), cfg \(cfg), shift \(shift), torch RNG, cache \(cache.rawValue), "
                + String(format: "%.0f s (sampling loops %.1f s, %.1f s of this thread's CPU)", Date().timeIntervalSince(started),
                         samplingSeconds, samplingCPUSeconds)
                + (plan == nil ? "" : "\ncache: \(cacheTotals.summary)")
        }
        if let records {
            try Data(recordLines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: records), options: .atomic)
        }
        print(AdherenceTally(scores: scores).report(header: header))
    }

    /// CPU time of the calling thread: with one BLAS thread, the sampling loop's own work, which
    /// other processes on a shared machine do not inflate as they inflate wall time.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// `--captions`, else the default set in the model directory, else beside the built-in model.
    private func captionSetURL(modelDirectory: URL?) throws -> URL {
        if let captions { return URL(fileURLWithPath: captions) }
        var candidates: [URL] = []
        if let modelDirectory { candidates.append(modelDirectory.appendingPathComponent(EvaluationSet.defaultFileName)) }
        var environment = ProcessInfo.processInfo.environment
        environment[DefaultModel.environmentVariable] = nil  // the built-in model's folder, not $DIT_STUDIO_MODEL
        if let builtIn = try? DefaultModel.directory(environment: environment) {
            candidates.append(builtIn.appendingPathComponent(EvaluationSet.defaultFileName))
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw Failure.noCaptionSet(searched: candidates.map(\.path))
        }
        return found
    }
}
