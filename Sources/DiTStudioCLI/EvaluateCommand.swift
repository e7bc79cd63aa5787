import ArgumentParser
import DiTEngine
import Foundation
import ShapesWorld
import StudioCore

/// `dit-studio evaluate`: adherence of a Shapes-World model through this engine — fresh captions
/// (1, 2 and 3 objects, every position and the background named) generated and scored by the
/// SHAPES_WORLD detector, the same rules as Training/evaluate.py.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure how well a Shapes-World model follows its captions (the built-in model by default).",
        discussion: """
            Draws N scenes of each object count with a seeded generator, generates each canonical \
            caption (seed = --seed + index) and reports the share of captions whose every object is \
            found with the right colour, shape, size and position, and the share with the right \
            background.
            """
    )

    @Option(help: "Model directory (default: $DIT_STUDIO_MODEL, else the built-in model).", completion: .directory)
    var model: String?

    @Option(help: "Captions per object count.")
    var n: Int = 70

    @Option(help: "Seed of the caption draw and first image seed.")
    var seed: UInt64 = 1

    @Option(help: "Sampling steps (default: the model's studio.json, else 20).")
    var steps: Int?

    @Option(help: "Guidance scale (default: the model's studio.json, else 4).")
    var cfg: Double?

    @Option(help: "Timestep shift (default: the model's studio.json, else its scheduler config, else 3).")
    var shift: Double?

    @Flag(help: "List every caption that fails, with what the detector found.")
    var showFailures = false

    func validate() throws {
        guard (1...10_000).contains(n) else { throw ValidationError("--n must be between 1 and 10000 (got \(n))") }
        if let steps, !GenerateParameters.stepsRange.contains(steps) { throw ValidationError("--steps must be between 1 and 10000") }
        if let cfg, !(cfg >= 0) { throw ValidationError("--cfg must be ≥ 0") }
        if let shift, !(shift > 0) { throw ValidationError("--shift must be > 0") }
    }

    func run() throws {
        let directory = try model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory()
        var defaults = try ModelStudioDefaults(modelDirectory: directory)
        // The same fallbacks as `generate`: the scheduler's shift when studio.json names none.
        defaults.shift = try defaults.shift ?? ModelFacts.defaultShift(modelDirectory: directory)
        let pipeline = try GenerationPipeline(model: try DiffusionModel(directory: directory))
        let detector = Detector()
        var rng = SeededGenerator(seed: seed)
        var objectsCorrect: [Int: [Bool]] = [1: [], 2: [], 3: []]
        var backgrounds: [Bool] = []
        let started = Date()
        var index: UInt64 = 0
        for count in 1...3 {
            for _ in 0..<n {
                let caption = Scene.random(objects: count, using: &rng).caption
                let request = GenerationRequest(prompt: caption.text, seed: seed &+ index,
                                                steps: steps ?? defaults.steps ?? 20,
                                                guidanceScale: Float(cfg ?? defaults.guidance ?? 4),
                                                shift: shift ?? defaults.shift ?? 3, noise: .torch,
                                                width: defaults.width ?? 64, height: defaults.height ?? 64)
                index += 1
                guard let output = try pipeline.generate(request) else { continue }
                let j = detector.judge(pixels: output.pixels, width: output.width, height: output.height, caption: caption)
                objectsCorrect[count]?.append(j.objectsCorrect)
                backgrounds.append(j.backgroundCorrect ?? false)
                if showFailures, !j.adheres {
                    print("✗ seed \(request.seed) \(j.objectsFound) background \(j.detectedBackground) · \(caption.text)")
                }
            }
        }
        func rate(_ v: [Bool]) -> String { String(format: "%.3f", Double(v.filter { $0 }.count) / Double(max(v.count, 1))) }
        print("\(directory.lastPathComponent): \(3 * n) captions, steps \(steps ?? defaults.steps ?? 20), cfg \(cfg ?? defaults.guidance ?? 4), shift \(shift ?? defaults.shift ?? 3), \(String(format: "%.0f", Date().timeIntervalSince(started))) s")
        print("one object \(rate(objectsCorrect[1]!)) · two objects \(rate(objectsCorrect[2]!)) · three objects \(rate(objectsCorrect[3]!)) · background \(rate(backgrounds))")
    }
}
