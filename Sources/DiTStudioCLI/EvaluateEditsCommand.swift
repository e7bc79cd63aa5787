import ArgumentParser
import DiTEngine
import Foundation
import ShapesWorld
import StudioCore

/// `dit-studio evaluate-edits`: the editing modes measured on a Shapes-World model — inpainting
/// (the object asked for found inside the mask, nothing outside changed), inversion (how close the
/// regenerated image comes back), and recolouring one object by attention injection against plain
/// img2img at two strengths (new colour found and old colour gone at the object, PSNR outside it).
struct EvaluateEditsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-edits",
        abstract: "Measure inpainting, inversion and injection edits on a Shapes-World model (the built-in model by default).",
        discussion: """
            Sources are generated from random captions (seeded) and kept when the detector finds \
            every object in them. Reports rates with Wilson 95% intervals and mean PSNR. With --cache \
            the edits use that feature-caching level (the sources do not, so every level edits the same \
            images; inversion never caches), and the report adds what the cache did and the edits' CPU time.
            """
    )

    enum Part: String, ExpressibleByArgument, CaseIterable { case all, inpaint, inversion, inject }

    @Option(help: "Model directory (default: $DIT_STUDIO_MODEL, else the built-in model).", completion: .directory)
    var model: String?

    @Option(help: "Cases per measurement.")
    var n: Int = 100

    @Option(help: "Which measurement: all, inpaint, inversion or inject.")
    var part: Part = .all

    @Option(help: "Seed of the draw.")
    var seed: UInt64 = 3

    @Option(help: CacheOption.help)
    var cache: CacheOption = .off

    @Flag(help: "Print the figures as one JSON object per measurement instead of the report.")
    var json = false

    func validate() throws {
        guard (1...10_000).contains(n) else { throw ValidationError("--n must be between 1 and 10000 (got \(n))") }
    }

    func run() throws {
        let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory()
        let pipeline = try GenerationPipeline(model: DiffusionModel(directory: modelURL))
        let defaults = try ModelDefaults(modelDirectory: modelURL)
        let p = defaults.parameters
        let base = GenerationRequest(prompt: "", steps: p.steps, guidanceScale: Float(p.guidance), shift: p.shift,
                                     width: p.width, height: p.height)
        let (plan, notice) = defaults.cachePlan(for: cache.level, layers: pipeline.model.transformer.config.numLayers)
        if let notice { Console.error("note: \(notice)") }
        let evaluation = EditEvaluation(pipeline: pipeline, base: base, vitalBlocks: defaults.vitalBlocks ?? [],
                                        cache: (cache.level, plan), json: json)
        if part == .all || part == .inpaint { try evaluation.inpaint(n: n, seed: seed) }
        if part == .all || part == .inversion { try evaluation.inversion(n: n, seed: seed &+ 1) }
        if part == .all || part == .inject { try evaluation.recolour(n: n, seed: seed &+ 2) }
    }
}

/// The measurements of `evaluate-edits`.
struct EditEvaluation {
    let pipeline: GenerationPipeline
    /// The sources' request (never cached); the edits add `cache`'s plan.
    let base: GenerationRequest
    let vitalBlocks: [Int]
    var cache: (level: CachingLevel, plan: CachePlan?) = (.off, nil)
    var json = false
    let detector = Detector()

    /// What the edits of one measurement (or one recolouring mode) cost and what their cache did.
    struct EditCost {
        var cpuSeconds = 0.0
        var cache = FeatureCache.Statistics()

        /// `"cache": …, "cache_…": N, "edit_cpu_s": S` for a JSON line.
        func jsonFields(level: CachingLevel) -> String {
            "\"cache\": \"\(level)\", \(cache.jsonFields), " + String(format: "\"edit_cpu_s\": %.3f", cpuSeconds)
        }

        /// "; edits … s of CPU[; cache: …]" for the report.
        func summary(level: CachingLevel, cases: Int) -> String {
            String(format: "; edits %.3f s of CPU each", cpuSeconds / Double(max(cases, 1)))
                + (level == .off ? "" : "; cache \(level): \(cache.summary)")
        }
    }

    /// Runs `edit` of `request` with the cache plan; returns the final pixels and adds its cost to `cost`.
    func edited(_ request: GenerationRequest, _ edit: EditRequest, cost: inout EditCost) throws -> [UInt8] {
        var request = request
        request.cache = cache.plan
        let start = EvaluateCommand.threadCPUSeconds()
        let prepared = try pipeline.prepare(request, edit: edit)
        try prepared.run.run()
        let result = try pipeline.finalPixels(prepared, sample: prepared.run.sample)
        cost.cpuSeconds += EvaluateCommand.threadCPUSeconds() - start
        if let statistics = prepared.run.cache?.statistics { cost.cache.add(statistics) }
        return result
    }

    var width: Int { base.width }
    var height: Int { base.height }

    /// Draws allowed per wanted case before giving up: sources the detector rejects, and scenes with
    /// no free position or colour, are redrawn, and a model that never draws a Shapes-World scene
    /// the detector recognises would otherwise be redrawn for ever.
    static let drawsPerCase = 20

    /// Throws once `draws` exceeds what `wanted` cases may take (see `drawsPerCase`).
    static func checkDraws(_ draws: Int, cases: Int, wanted: Int) throws {
        guard draws > drawsPerCase * wanted + 20 else { return }
        throw CLIError.badInput("evaluate-edits: only \(cases) of \(wanted) usable cases after \(draws - 1) draws: this model "
            + "rarely draws a scene the Shapes-World detector recognises (evaluate-edits measures the built-in model's world)")
    }

    /// A source image of `scene`'s caption, or nil when the detector does not find every object in it.
    func source(_ scene: Scene, seed: UInt64) throws -> [UInt8]? {
        var request = base
        request.prompt = scene.caption.text
        request.seed = seed
        guard let output = try pipeline.generate(request) else { return nil }
        let judgement = detector.judge(pixels: output.pixels, width: width, height: height, caption: scene.caption)
        return judgement.adheres ? output.pixels : nil
    }

    func inpaint(n: Int, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var found = 0, cases = 0, changedOutside = 0
        var cost = EditCost()
        var draws = 0
        while cases < n {
            draws += 1
            try Self.checkDraws(draws, cases: cases, wanted: n)
            let scene = Scene.random(objects: Int.random(in: 1...2, using: &rng), using: &rng)
            guard let source = try source(scene, seed: rng.next()) else { continue }
            // A new object at a free position that touches no existing object's cell.
            let taken = Set(scene.objects.map(\.position))
            let free = ShapesWorld.positions.filter { p in
                !taken.contains(p.phrase) && scene.objects.allSatisfy { abs($0.cx - p.x) > 0.3 || abs($0.cy - p.y) > 0.3 }
            }
            guard let cell = free.randomElement(using: &rng) else { continue }
            let colours = ShapesWorld.objectColours.map(\.name).filter { $0 != scene.background }
            let object = Caption.Object(size: .small, colour: colours.randomElement(using: &rng)!,
                                        shape: ShapesWorld.Shape.allCases.randomElement(using: &rng)!, position: cell.phrase)
            let box = (x0: cell.x - 0.17, y0: cell.y - 0.17, x1: cell.x + 0.17, y1: cell.y + 0.17)
            var values = [UInt8](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width {
                    let fx = (Double(x) + 0.5) / Double(width), fy = (Double(y) + 0.5) / Double(height)
                    if fx >= box.x0, fx < box.x1, fy >= box.y0, fy < box.y1 { values[y * width + x] = 1 }
                }
            }
            var request = base
            request.prompt = Caption(objects: [object], background: scene.background).text
            request.seed = rng.next()
            let edit = EditRequest(mode: .inpaint(mask: RegionMask(width: width, height: height, values: values), strength: 1, feather: 0),
                                   source: source)
            let result = try edited(request, edit, cost: &cost)
            for pixel in 0..<(width * height) where values[pixel] == 0 {
                if result[3 * pixel] != source[3 * pixel] || result[3 * pixel + 1] != source[3 * pixel + 1]
                    || result[3 * pixel + 2] != source[3 * pixel + 2] { changedOutside += 1 }
            }
            let regions = detector.regions(pixels: result, width: width, height: height).regions
            if regions.contains(where: { $0.colour == object.colour && $0.shape == object.shape
                && $0.cx >= box.x0 && $0.cx < box.x1 && $0.cy >= box.y0 && $0.cy < box.y1 }) { found += 1 }
            cases += 1
        }
        if json {
            print("{\"part\": \"inpaint\", \"cases\": \(cases), \"found\": \(found), \"changed_outside\": \(changedOutside), "
                  + "\(cost.jsonFields(level: cache.level))}")
        } else {
            print("inpaint: \(cases) cases; object found inside the mask \(Self.rate(found, cases)); pixels changed outside the mask: \(changedOutside)"
                  + cost.summary(level: cache.level, cases: cases))
        }
    }

    func inversion(n: Int, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var psnrs: [Double] = []
        var draws = 0
        while psnrs.count < n {
            draws += 1
            try Self.checkDraws(draws, cases: psnrs.count, wanted: n)
            let scene = Scene.random(objects: Int.random(in: 1...3, using: &rng), using: &rng)
            guard let source = try source(scene, seed: rng.next()) else { continue }
            var request = base
            request.prompt = scene.caption.text
            request.guidanceScale = 1
            guard let inversion = try pipeline.invert(source, request: request) else { continue }
            let sample = try pipeline.reconstruct(inversion, request: request)
            psnrs.append(Self.psnr(try pipeline.rgb8(sample), source, where: { _ in true }))
        }
        let sorted = psnrs.sorted()
        if json {
            // The engine's inversion and reconstruction never cache: the level is recorded, the counts stay 0.
            print(String(format: "{\"part\": \"inversion\", \"cases\": %d, \"psnr_mean\": %.3f, \"psnr_min\": %.3f, ",
                         psnrs.count, psnrs.reduce(0, +) / Double(psnrs.count), sorted[0])
                  + "\"cache\": \"\(cache.level)\", \(FeatureCache.Statistics().jsonFields)}")
            return
        }
        print(String(format: "inversion + reconstruction (guidance 1, %d steps): %d images, PSNR mean %.1f dB, median %.1f, worst %.1f",
                     base.steps, psnrs.count, psnrs.reduce(0, +) / Double(psnrs.count), sorted[sorted.count / 2], sorted[0])
              + (cache.level == .off ? "" : " (uncached at every level)"))
    }

    func recolour(n: Int, seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var results: [String: (success: Int, psnr: Double, cost: EditCost)] = [:]
        var cases = 0
        var draws = 0
        while cases < n {
            draws += 1
            try Self.checkDraws(draws, cases: cases, wanted: n)
            let scene = Scene.random(objects: Int.random(in: 1...2, using: &rng), using: &rng)
            guard let source = try source(scene, seed: rng.next()) else { continue }
            let target = scene.objects[0]
            let used = Set(scene.objects.map(\.colour) + [scene.background])
            let colours = ShapesWorld.objectColours.map(\.name).filter { !used.contains($0) }
            guard let colour = colours.randomElement(using: &rng) else { continue }
            var caption = scene.caption
            caption.objects[0].colour = colour
            let bbox = target.boundingBox
            let margin = 2.0 / Double(width)
            func outside(_ pixel: Int) -> Bool {
                let fx = (Double(pixel % width) + 0.5) / Double(width), fy = (Double(pixel / width) + 0.5) / Double(height)
                return fx < bbox.x0 - margin || fx > bbox.x1 + margin || fy < bbox.y0 - margin || fy > bbox.y1 + margin
            }
            var request = base
            request.prompt = caption.text
            request.seed = rng.next()
            var modes: [(String, EditRequest.Mode)] = [("img2img 0.5", .img2img(strength: 0.5)), ("img2img 0.8", .img2img(strength: 0.8))]
            if !vitalBlocks.isEmpty { modes.insert(("inject", .inject(sourcePrompt: scene.caption.text, vitalBlocks: vitalBlocks)), at: 0) }
            for (name, mode) in modes {
                var entry = results[name] ?? (0, 0, EditCost())
                let result = try edited(request, EditRequest(mode: mode, source: source), cost: &entry.cost)
                let regions = detector.regions(pixels: result, width: width, height: height).regions
                let near = regions.filter { abs($0.cx - target.cx) < 0.12 && abs($0.cy - target.cy) < 0.12 }
                let success = near.contains { $0.colour == colour && $0.shape == target.shape }
                    && !near.contains { $0.colour == target.colour }
                entry.success += success ? 1 : 0
                entry.psnr += Self.psnr(result, source, where: outside)
                results[name] = entry
            }
            cases += 1
        }
        for (name, entry) in results.sorted(by: { $0.key < $1.key }) {
            if json {
                print(String(format: "{\"part\": \"recolour\", \"mode\": \"%@\", \"cases\": %d, \"success\": %d, \"psnr_outside\": %.3f, ",
                             name, cases, entry.success, entry.psnr / Double(cases)) + "\(entry.cost.jsonFields(level: cache.level))}")
                continue
            }
            print(String(format: "recolour by %@: %d cases; success %@; PSNR outside the object %.1f dB",
                         name, cases, Self.rate(entry.success, cases), entry.psnr / Double(cases))
                  + entry.cost.summary(level: cache.level, cases: cases))
        }
    }

    static func psnr(_ a: [UInt8], _ b: [UInt8], where include: (Int) -> Bool) -> Double {
        var sum = 0.0, count = 0
        for pixel in 0..<(a.count / 3) where include(pixel) {
            for c in 0..<3 { let d = Double(a[3 * pixel + c]) - Double(b[3 * pixel + c]); sum += d * d; count += 1 }
        }
        guard count > 0, sum > 0 else { return 99 }
        return 10 * log10(255 * 255 / (sum / Double(count)))
    }

    static func rate(_ k: Int, _ n: Int) -> String {
        let (p, low, high) = WilsonInterval.rate(k, of: n)
        return String(format: "%.2f [%.2f, %.2f]", p, low, high)
    }
}
