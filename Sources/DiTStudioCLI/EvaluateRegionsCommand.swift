import ArgumentParser
import DiTEngine
import Foundation
import ShapesWorld
import StudioCore

/// `dit-studio evaluate-regions`: how well regional prompting places objects on a Shapes-World
/// model — random layouts generated with their regions and, as the baseline, with the same base
/// prompt and no regions; the detector checks each box for its object.
struct EvaluateRegionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-regions",
        abstract: "Measure regional prompting's placement on a Shapes-World model (the built-in model by default).",
        discussion: """
            Draws N layouts of 2–3 boxes (seeded), each box naming one object with no position words, \
            and reports the share of boxes whose object (colour and shape; "sized" also the size) the \
            detector finds inside the box, with regions and without (the same base prompt, plain). \
            With --cache both runs use that feature-caching level, and the report adds what the cache did.
            """
    )

    @Option(help: "Model directory (default: $DIT_STUDIO_MODEL, else the built-in model).", completion: .directory)
    var model: String?

    @Option(help: "Number of layouts.")
    var n: Int = 100

    @Option(help: "Seed of the layout draw and first image seed.")
    var seed: UInt64 = 1

    @Option(help: "Base ratio (default: the model's studio.json regional settings).")
    var baseRatio: Double?

    @Option(help: "Inject steps (default: the model's studio.json).")
    var injectSteps: Int?

    @Option(help: "Block interval (default: the model's studio.json).")
    var blockInterval: Int?

    @Option(help: "Region emphasis, 0…20 (default: the model's studio.json).")
    var regionEmphasis: Double?

    @Option(help: CacheOption.help)
    var cache: CacheOption = .off

    @Flag(help: "Skip the baseline without regions.")
    var noBaseline = false

    @Option(help: ArgumentHelp("Save every image (NNN-regional.png, NNN-plain.png) and one JSON line per layout (its boxes, objects, the detector's regions, each box's verdict) to records.jsonl in this folder.", valueName: "dir"),
            completion: .directory)
    var save: String?

    @Flag(help: "Print the counts as one JSON object (boxes, regional, regional_sized, plain, plain_sized, cache, cache counts, CPU seconds) instead of the report.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(n) else { throw ValidationError("--n must be between 1 and 10000 (got \(n))") }
        if let baseRatio, !(0...1).contains(baseRatio) { throw ValidationError("--base-ratio must be between 0 and 1") }
        if let injectSteps, injectSteps < 0 { throw ValidationError("--inject-steps must be ≥ 0") }
        if let blockInterval, blockInterval < 1 { throw ValidationError("--block-interval must be ≥ 1") }
        if let regionEmphasis, let problem = Layout.emphasisProblem(regionEmphasis) { throw ValidationError("--region-emphasis \(problem)") }
    }

    func run() throws {
        let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory()
        let engine = DiTGenerationEngine()
        _ = try engine.loadModel(at: model)
        var noticed: Set<String> = []
        engine.onWarnings = { warnings in
            for warning in warnings where noticed.insert(warning).inserted { Console.error("note: \(warning)") }
        }
        var base = try ModelDefaults(modelDirectory: modelURL).parameters(prompt: "", model: model)
        base.caching = cache.level
        var rng = SeededGenerator(seed: seed)
        var counts = (regional: 0, regionalSized: 0, plain: 0, plainSized: 0, boxes: 0)
        // This thread's CPU time: with one BLAS thread, the generations' own work, which other
        // processes on a shared machine do not inflate.
        var regionalTime = 0.0, plainTime = 0.0
        var cacheTotals = FeatureCache.Statistics()
        let recorder = try save.map { try PlacementRecorder(folder: URL(fileURLWithPath: $0)) }
        for index in 0..<n {
            let layout = PlacementLayout.random(using: &rng)
            var parameters = base
            parameters.prompt = layout.basePrompt
            parameters.seed = seed &+ UInt64(index)
            let studioLayout = Layout(
                basePrompt: layout.basePrompt, baseRatio: baseRatio ?? Layout.defaultBaseRatio,
                regions: layout.boxes.map { LayoutRegion(box: RegionBox(x0: $0.x0, y0: $0.y0, x1: $0.x1, y1: $0.y1), prompt: $0.prompt) },
                injectSteps: injectSteps, blockInterval: blockInterval, regionEmphasis: regionEmphasis)
            let start = EvaluateCommand.threadCPUSeconds()
            let image = try generate(engine, EngineJob(parameters: parameters, work: .regional(studioLayout, masks: [])))
            regionalTime += EvaluateCommand.threadCPUSeconds() - start
            if let statistics = engine.lastCacheStatistics { cacheTotals.add(statistics) }
            counts.boxes += layout.boxes.count
            let regionalFound = PlacementRecorder.Judged(image, layout: layout)
            counts.regional += regionalFound.placed
            counts.regionalSized += regionalFound.placedWithSize
            var plainFound: PlacementRecorder.Judged?
            defer { recorder?.record(index: index, seed: parameters.seed, layout: layout, regional: regionalFound, plain: plainFound) }
            if !noBaseline {
                let plainStart = EvaluateCommand.threadCPUSeconds()
                let plain = try generate(engine, EngineJob(parameters: parameters))
                plainTime += EvaluateCommand.threadCPUSeconds() - plainStart
                if let statistics = engine.lastCacheStatistics { cacheTotals.add(statistics) }
                let judged = PlacementRecorder.Judged(plain, layout: layout)
                plainFound = judged
                counts.plain += judged.placed
                counts.plainSized += judged.placedWithSize
            }
            if (index + 1) % 10 == 0 || index + 1 == n { Console.error("\(index + 1)/\(n) layouts") }
        }
        func rate(_ k: Int) -> String {
            let (p, low, high) = WilsonInterval.rate(k, of: counts.boxes)
            return String(format: "%.3f [%.3f, %.3f]", p, low, high)
        }
        if json {
            print("{\"layouts\": \(n), \"boxes\": \(counts.boxes), \"regional\": \(counts.regional), \"regional_sized\": \(counts.regionalSized), "
                  + "\"plain\": \(noBaseline ? -1 : counts.plain), \"plain_sized\": \(noBaseline ? -1 : counts.plainSized), "
                  + "\"cache\": \"\(cache.rawValue)\", \(cacheTotals.jsonFields), "
                  + String(format: "\"regional_cpu_s\": %.3f, \"plain_cpu_s\": %.3f}", regionalTime, noBaseline ? -1 : plainTime))
            return
        }
        print("layouts \(n), boxes \(counts.boxes), cache \(cache.rawValue)")
        print("with regions:    object in its box \(rate(counts.regional)); with its size \(rate(counts.regionalSized))")
        if !noBaseline {
            print("without regions: object in its box \(rate(counts.plain)); with its size \(rate(counts.plainSized))")
            print(String(format: "time per image (this thread's CPU): regional %.3f s, plain %.3f s, regional / plain = %.2f×",
                         regionalTime / Double(n), plainTime / Double(n), regionalTime / plainTime))
        } else {
            print(String(format: "time per image (this thread's CPU): regional %.3f s", regionalTime / Double(n)))
        }
        if cache != .off { print("cache: \(cacheTotals.summary)") }
    }

    private func generate(_ engine: DiTGenerationEngine, _ job: EngineJob) throws -> RGBImage {
        guard case let .finished(image) = try engine.generate(job, onStep: { _, _ in .continue }) else {
            throw CLIError.badInput("generation stopped")
        }
        return image
    }
}

/// The Wilson score interval of a binomial proportion (95%).
enum WilsonInterval {
    static func rate(_ successes: Int, of trials: Int, z: Double = 1.96) -> (Double, Double, Double) {
        guard trials > 0 else { return (0, 0, 1) }
        let n = Double(trials), p = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()) / denominator
        return (p, max(0, centre - half), min(1, centre + half))
    }
}
