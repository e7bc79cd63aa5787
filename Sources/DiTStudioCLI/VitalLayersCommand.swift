import ArgumentParser
import DiTEngine
import Foundation
import ShapesWorld
import StudioCore

/// `dit-studio vital-layers`: finds the transformer blocks an image depends on most (Stable Flow's
/// vital layers) and stores them in the model's studio.json for attention-injection edits.
struct VitalLayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vital-layers",
        abstract: "Find a model's vital transformer blocks for injection edits and store them in its studio.json.",
        discussion: """
            Generates --n prompts (one seed each) with the full model and with each block bypassed in \
            turn, and ranks the blocks by how much bypassing them changes the image (mean squared \
            difference). The --keep blocks that change it most are written as "vital_blocks" to \
            studio.json (use --dry-run to only print the ranking).
            """
    )

    @Option(help: "Model directory (default: $DIT_STUDIO_MODEL, else the built-in model).", completion: .directory)
    var model: String?

    @Option(help: "Prompts to measure over (Shapes-World captions for the built-in model).")
    var n: Int = 8

    @Option(help: "How many blocks to keep as vital.")
    var keep: Int = 2

    @Option(help: "Seed of the prompt draw and first image seed.")
    var seed: UInt64 = 7

    @Flag(help: "Print the ranking without writing studio.json.")
    var dryRun = false

    func validate() throws {
        guard (1...1000).contains(n) else { throw ValidationError("--n must be between 1 and 1000 (got \(n))") }
        guard keep >= 1 else { throw ValidationError("--keep must be at least 1 (got \(keep))") }
    }

    func run() throws {
        let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory()
        let pipeline = try GenerationPipeline(model: DiffusionModel(directory: modelURL))
        let blocks = pipeline.model.transformer.config.numLayers
        guard keep <= blocks else { throw CLIError.badInput("--keep \(keep): the model has \(blocks) blocks") }
        let defaults = try ModelDefaults(modelDirectory: modelURL).parameters
        var rng = SeededGenerator(seed: seed)
        let requests = (0..<n).map { index -> GenerationRequest in
            let scene = Scene.random(objects: index % 3 + 1, using: &rng)
            return GenerationRequest(prompt: scene.caption.text, seed: seed &+ UInt64(index), steps: defaults.steps,
                                     guidanceScale: Float(defaults.guidance), shift: defaults.shift,
                                     width: defaults.width, height: defaults.height)
        }
        let change = try VitalBlocks.bypassChange(pipeline, requests: requests) { done, total in
            if done % (blocks + 1) == 0 { Console.error("\(done)/\(total) images") }
        }
        let vital = VitalBlocks.select(change, count: keep)
        print("block  change when bypassed")
        for (block, value) in change.enumerated() {
            print(String(format: "%5d  %.5f%@", block, value, vital.contains(block) ? "  vital" : ""))
        }
        if let (kept, next) = VitalBlocks.closeCall(change, count: keep) {
            Console.error(String(format: "note: blocks %d (%.4f) and %d (%.4f) are within 20 %% of each other; compare "
                                 + "both choices with `dit-studio evaluate-edits` before keeping this one",
                                 kept, change[kept], next, change[next]))
        }
        if !dryRun {
            try ModelStudioDefaults.update(modelDirectory: modelURL, key: "vital_blocks", value: vital)
            print("wrote vital_blocks \(vital) to \(modelURL.appendingPathComponent(ModelStudioDefaults.fileName).path)")
        }
    }
}
