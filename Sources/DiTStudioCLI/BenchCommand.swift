import ArgumentParser
import DiTEngine
import StudioCore
import Foundation

/// `dit-studio bench`: how fast the engine is on this machine, against the machine's own sgemm
/// peak and (with `--compare`) PyTorch eager on the same weights, size, steps, CFG and threads.
/// A benchmark, not a test: numbers depend on the machine and on what else runs on it.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time a transformer forward and a full generation; compare with sgemm and PyTorch.",
        discussion: """
            Prints: the measured sgemm peak (1024³, best of a few), one transformer forward at the \
            guided batch (median), its effective GFLOP/s (matrix-product FLOPs counted from the \
            config, attention included), the sampling loop alone and a full generation (median of \
            --runs), and one whole `dit-studio generate` process. Then a table of jobs as the studio \
            runs them (plain, a two-region layout, an inpaint, and plain at each --cache level): wall \
            time per image, it/s, the peak memory of the same job as a process of its own, effective \
            GFLOP/s against the sgemm peak, and the speed-up over the plain row of the same run. \
            With --compare it runs `python3 Benchmarks/pytorch_baseline.py` once with the same \
            settings and prints the Swift/PyTorch time ratios (below 1: Swift is faster).
            """
    )

    @Option(help: "Model directory in the diffusers layout (default: $DIT_STUDIO_MODEL, else the built-in model).", completion: .directory)
    var model: String?

    @Option(parsing: .unconditional, help: "Sampling steps (1–10000; default: the model's defaults).")
    var steps: Int?

    @Option(parsing: .unconditional, help: "Threads for BLAS (and for PyTorch with --compare), 1–1024.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(parsing: .unconditional, help: "Image size WxH in pixels (default: the model's, as `generate` takes it).")
    var size: ImageSizeOption?

    @Option(parsing: .unconditional, help: "Classifier-free guidance scale, 0–100 (1 = one branch, batch 1; default: the model's defaults).")
    var cfg: Float?

    @Option(parsing: .unconditional, help: "Repetitions for the medians (1–1000).")
    var runs: Int = 3

    @Option(help: "The prompt to generate.")
    var prompt: String = "a red circle in the center on a white background"

    @Option(help: ArgumentHelp("Feature-caching levels to time as plain rows of the jobs table, comma-separated (off: none).",
                               valueName: "levels"))
    var cache = CacheLevelsOption([.fast, .faster])

    @Flag(help: "Also run Benchmarks/pytorch_baseline.py and print Swift/PyTorch ratios.")
    var compare = false

    func validate() throws {
        if let steps, let problem = GenerateParameters.stepsProblem(steps) { throw ValidationError("--steps \(problem)") }
        guard (1...1024).contains(threads) else { throw ValidationError("--threads must be between 1 and 1024 (got \(threads))") }
        guard (1...1000).contains(runs) else { throw ValidationError("--runs must be between 1 and 1000 (got \(runs))") }
        if let cfg, let problem = GenerateParameters.guidanceProblem(Double(cfg)) { throw ValidationError("--cfg \(problem)") }
        try validateModelAndSize(model: model, size: size)
    }

    func run() throws {
        BLAS.setThreads(threads)
        let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory()
        let modelDefaults = try ModelDefaults(modelDirectory: modelURL)
        let steps = self.steps ?? modelDefaults.parameters.steps
        let cfg = self.cfg ?? Float(modelDefaults.parameters.guidance)

        let loadStart = Date()
        let loaded = try DiffusionModel(directory: modelURL)
        let loadMs = Date().timeIntervalSince(loadStart) * 1000
        let pipeline = try GenerationPipeline(model: loaded)
        if let size {
            do { try pipeline.geometry.validate(width: size.width, height: size.height) } catch let error as GenerationError {
                throw ValidationError("--size \(size): \(error)")
            }
        }
        let defaults = modelDefaults.parameters
        let imageSize = size ?? ImageSizeOption(width: defaults.width, height: defaults.height)
        let shift = defaults.shift
        let request = GenerationRequest(prompt: prompt, seed: 0, steps: steps, guidanceScale: cfg, shift: shift,
                                        sampler: .euler, noise: .torch, width: imageSize.width, height: imageSize.height)
        let config = loaded.transformer.config
        let noiseShape = pipeline.geometry.noiseShape(width: imageSize.width, height: imageSize.height)
        let imageTokens = (noiseShape[2] / config.patchSize) * (noiseShape[3] / config.patchSize)
        let textTokens = loaded.textEncoder.config.maxPositionEmbeddings
        let guidance = try pipeline.prepare(request).run.guidance
        let batch = guidance.context.shape[0]
        let parameters = (try? SafeTensorsFile(url: ModelDirectory(url: modelURL).transformerWeightsURL).parameterCount) ?? 0

        print("dit-studio bench: \(modelURL.standardizedFileURL.lastPathComponent) "
              + "(\(String(format: "%.2f", Double(parameters) / 1e6))M-parameter transformer), \(imageSize) → "
              + "\(noiseShape.dropFirst().map(String.init).joined(separator: "×")) sampled, \(imageTokens) image + "
              + "\(textTokens) text tokens, batch \(batch) (cfg \(cfg)), \(steps) steps, \(threads) thread(s), "
              + "\(ProcessInfo.processInfo.activeProcessorCount) core(s)")

        let peak = Self.sgemmPeak()
        print(row("sgemm 1024³ (best of 5)", String(format: "%8.1f GFLOP/s", peak)))
        print(row("model load", String(format: "%8.1f ms", loadMs)))

        // One transformer forward at the guided batch.
        var noise = TorchNormal(seed: 1)
        let x = noise.normalTensor(shape: [batch] + noiseShape.dropFirst())
        let timesteps = [Float](repeating: 500, count: batch)
        _ = try loaded.transformer.forward(x: x, timesteps: timesteps, context: guidance.context, pooled: guidance.pooled)
        let forwardMs = try Self.median(max(runs, 5)) {
            _ = try loaded.transformer.forward(x: x, timesteps: timesteps, context: guidance.context, pooled: guidance.pooled)
        }
        let flops = Self.forwardFLOPs(config, batch: batch, imageTokens: imageTokens, textTokens: textTokens)
        let gflops = flops / (forwardMs / 1000) / 1e9
        print(row("transformer forward (batch \(batch))",
                  String(format: "%8.2f ms  %6.1f GFLOP/s effective = %.0f%% of sgemm peak (%.3f GFLOP per forward)",
                         forwardMs, gflops, 100 * gflops / peak, flops / 1e9)))

        if batch == 2 {
            try compareRegionalGuidance(loaded.transformer, x: x, textTokens: textTokens, imageTokens: imageTokens,
                                        context: guidance.context, pooled: guidance.pooled, gridShape: noiseShape,
                                        regional: modelDefaults.regional)
        }

        // The sampling loop alone (prompts encoded, noise drawn), then a whole generation.
        var loopMs: [Double] = []
        var finalSample = Tensor(shape: noiseShape)
        for _ in 0..<runs {
            let prepared = try pipeline.prepare(request)
            let start = Date()
            try prepared.run.run()
            loopMs.append(Date().timeIntervalSince(start) * 1000)
            finalSample = prepared.run.sample
        }
        let loop = Self.median(loopMs)
        print(row("sampling loop (\(steps) steps)",
                  String(format: "%8.1f ms  %6.2f it/s (%.2f ms/step)", loop, Double(steps) * 1000 / loop, loop / Double(steps))))
        var decodeMs: Double?
        if pipeline.decoder != nil {
            _ = try pipeline.decode(finalSample)
            let ms = try Self.median(max(runs, 5)) { _ = try pipeline.decode(finalSample) }
            decodeMs = ms
            print(row("VAE decode", String(format: "%8.2f ms", ms)))
        }
        let generationMs = try Self.median(runs) { _ = try pipeline.generate(request) }
        print(row("full generation (encode, loop, decode)", String(format: "%8.1f ms", generationMs)))

        // The whole command-line process, as a user runs it.
        let processMs = try timeGenerateProcess(modelURL: modelURL, size: imageSize, shift: shift, steps: steps, cfg: cfg)
        if let processMs {
            print(row("`dit-studio generate` process (whole)", String(format: "%8.1f ms", processMs)))
        }

        var torch: [String: Any]?
        if compare {
            torch = try comparePyTorch(modelURL: modelURL, size: imageSize, shift: shift, steps: steps, cfg: cfg,
                                       forwardMs: forwardMs, loopMs: loop, decodeMs: decodeMs, generationMs: generationMs,
                                       processMs: processMs)
        }

        // Jobs as the studio runs them.
        guard let source = try pipeline.generate(request)?.pixels else { return }
        let cached = cache.levels.map { option in
            let (plan, notice) = modelDefaults.cachePlan(for: option.level, layers: config.numLayers)
            if let notice { Console.error("note: \(notice)") }
            return (level: option.level, plan: plan)
        }
        let jobs = BenchJob.standard(base: request, model: modelURL, regional: modelDefaults.regional, source: source,
                                     cached: cached)
        try printJobsTable(jobs, pipeline: pipeline, source: source, size: imageSize,
                           flopsPerEvaluation: flops, peak: peak, torch: torch)
    }

    /// How a guided step of a two-region layout is cheaper: its two branches have contexts of different
    /// lengths (three prompts under the regional mask, one empty prompt), so either each runs as a forward
    /// of its own (what the engine does) or the unconditional context is padded to the regional length and
    /// both run as one batch. The padded batch is timed with the regional bias on both items: masking
    /// does not change the work, so its time is what a padded pass would cost.
    private func compareRegionalGuidance(_ transformer: SD3Transformer, x: Tensor, textTokens: Int, imageTokens: Int,
                                         context: Tensor, pooled: Tensor, gridShape: [Int], regional: RegionalDefaults) throws {
        let regions = 2
        let config = transformer.config
        let columns = gridShape[3] / config.patchSize, rows = gridShape[2] / config.patchSize
        let grid = RegionGrid(areas: [.box(x0: 0, y0: 0, x1: 0.5, y1: 1), .box(x0: 0.5, y0: 0, x1: 1, y1: 1)],
                              columns: columns, rows: rows)
        let hooks = RegionalAttention(grid: grid, textTokens: textTokens, baseRatio: Float(Layout.defaultBaseRatio),
                                      blockInterval: regional.blockInterval, emphasis: Float(regional.regionEmphasis))
        let one = context.slice(0..<1)
        let width = one.shape[2]
        let text = one.reshaped([textTokens, width])
        let regionalContext = Tensor.concatenate([text, text, text]).reshaped([1, 3 * textTokens, width])  // two regions and the base
        let single = x.slice(0..<1)
        let pooledOne = pooled.slice(0..<1)
        let regionalForward = ForwardContext(step: 0, sigma: 0.5, branches: [.conditional], hooks: hooks)
        let separate = try Self.median(max(runs, 5)) {
            _ = try transformer.forward(x: single, timesteps: [500], context: regionalContext, pooled: pooledOne, forward: regionalForward)
            _ = try transformer.forward(x: single, timesteps: [500], context: one, pooled: pooledOne)
        }
        let paddedContext = Tensor.concatenate([regionalContext, regionalContext])
        let paddedForward = ForwardContext(step: 0, sigma: 0.5, branches: [.conditional, .unconditional], hooks: hooks)
        let padded = try Self.median(max(runs, 5)) {
            _ = try transformer.forward(x: x, timesteps: [500, 500], context: paddedContext, pooled: pooled, forward: paddedForward)
        }
        print(row("regional guided step (\(regions) regions)",
                  String(format: "%8.2f ms as two passes (%d + %d tokens), %.2f ms as one padded batch (2 × %d tokens): padding %.2f×",
                         separate, imageTokens + (regions + 1) * textTokens, imageTokens + textTokens, padded,
                         imageTokens + (regions + 1) * textTokens, padded / separate)))
    }

    /// A row per job, in Markdown (so that it can go into Benchmarks/README.md as it is).
    private func printJobsTable(_ jobs: [BenchJob], pipeline: GenerationPipeline, source: [UInt8], size: ImageSizeOption,
                                flopsPerEvaluation: Double, peak: Double, torch: [String: Any]?) throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dit-bench-jobs-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let sourceURL = scratch.appendingPathComponent("source.png")
        try PNGFile.write(RGBImage(width: size.width, height: size.height, pixels: source), to: sourceURL)
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = String(threads)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path

        print("\njobs at the model's defaults (\(size), median of \(runs) run(s) after one warm-up; peak memory: the same job as a `dit-studio` process of its own; GFLOP/s: the plain forward's FLOPs per model evaluation (for a cached row, the share of blocks its cache let run instead); speed-up: the plain row's wall / image over this row's, same run):")
        print("| job | steps | wall / image | it/s | peak RSS | effective GFLOP/s (% of sgemm \(String(format: "%.0f", peak))) | speed-up over plain | PyTorch eager wall / image | PyTorch it/s | PyTorch peak RSS | Swift / PyTorch wall |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        var plainWall: Double?
        for job in jobs {
            _ = try pipeline.generate(job.request, edit: job.edit)  // warm-up
            var walls: [Double] = [], loops: [Double] = []
            var stepsRun = 0, evaluations = 0
            var cacheStatistics: FeatureCache.Statistics?
            for _ in 0..<runs {
                let start = Date()
                let prepared = try pipeline.prepare(job.request, edit: job.edit)
                let loopStart = Date()
                try prepared.run.run()
                loops.append(Date().timeIntervalSince(loopStart) * 1000)
                _ = try pipeline.finalPixels(prepared, sample: prepared.run.sample)
                walls.append(Date().timeIntervalSince(start) * 1000)
                (stepsRun, evaluations) = (prepared.run.stepsToRun, prepared.run.totalEvaluations)
                cacheStatistics = prepared.run.cache?.statistics
            }
            let (wall, loop) = (Self.median(walls), Self.median(loops))
            if plainWall == nil { plainWall = wall }  // the first row is the plain job
            let gflops = flopsPerEvaluation * Double(evaluations) / (loop / 1000) / 1e9
            let output = scratch.appendingPathComponent("out.png").path
            let arguments = job.arguments.map { $0 == BenchJob.outputPlaceholder ? output : $0 == BenchJob.sourcePlaceholder ? sourceURL.path : $0 }
            let child = ChildProcess.run(executable, arguments, environment: environment)
            let rss = child.flatMap { $0.exitStatus == 0 ? Self.mebibytes($0.maxResidentBytes) : nil } ?? "failed"
            var torchColumns: [String]
            if !job.hasPyTorchBaseline {
                torchColumns = ["—", "—", "—", "— (no PyTorch reference of this method)"]
            } else if let torch, let loopMs = torch["loop_ms"] as? Double {
                let torchWall = loopMs + (torch["encode_ms"] as? Double ?? 0) + (torch["decode_ms"] as? Double ?? 0)
                let torchRSS = (torch["max_rss_kb"] as? Int).map { Self.mebibytes($0 * 1024) } ?? "?"
                torchColumns = [String(format: "%.1f ms", torchWall), String(format: "%.2f", Double(stepsRun) * 1000 / loopMs),
                                torchRSS, String(format: "%.2f", wall / torchWall)]
            } else {
                torchColumns = ["—", "—", "—", "— (run with --compare)"]
            }
            let columns = [job.label, "\(stepsRun)", String(format: "%.1f ms", wall), String(format: "%.2f", Double(stepsRun) * 1000 / loop),
                           rss, Self.throughputCell(gflops: gflops, peak: peak, cache: cacheStatistics,
                                                    layers: pipeline.model.transformer.config.numLayers),
                           String(format: "%.2f×", (plainWall ?? wall) / wall)] + torchColumns
            print("| " + columns.joined(separator: " | ") + " |")
        }
    }

    /// The GFLOP/s column: effective GFLOP/s and its share of the sgemm peak; for a run whose cache
    /// skipped blocks, the plain FLOP count would overstate the work (past the peak), so the share
    /// of the blocks that ran is shown instead.
    static func throughputCell(gflops: Double, peak: Double, cache: FeatureCache.Statistics?, layers: Int) -> String {
        guard let cache, cache.forwards > 0 else { return String(format: "%.1f (%.0f %%)", gflops, 100 * gflops / peak) }
        return String(format: "— (cached: %.0f %% of the blocks ran)", 100 * Double(cache.blocksRun) / Double(cache.forwards * layers))
    }

    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.0f MiB", Double(bytes) / 1_048_576)
    }

    private func row(_ label: String, _ value: String) -> String {
        label.padding(toLength: 40, withPad: " ", startingAt: 0) + value
    }

    // MARK: - Measurements

    /// The best of five 1024×1024×1024 sgemms, in GFLOP/s.
    static func sgemmPeak(size n: Int = 1024, repetitions: Int = 5) -> Double {
        var source = PhiloxNormal(seed: 1)
        var a = source.normal(count: n * n)
        let b = source.normal(count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var best = Double.infinity
        for _ in 0..<(repetitions + 1) {  // the first run warms caches and threads
            let start = Date()
            a.withUnsafeMutableBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                                   c: pc.baseAddress!, ldc: n)
                    }
                }
            }
            best = min(best, Date().timeIntervalSince(start))
        }
        return 2 * Double(n * n * n) / best / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The median wall time of `runs` calls of `body`, in milliseconds.
    static func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = Date()
            try body()
            times.append(Date().timeIntervalSince(start) * 1000)
        }
        return median(times)
    }

    /// Matrix-product FLOPs (2·M·N·K each, attention's QKᵀ and AV included) of one SD3 forward.
    static func forwardFLOPs(_ c: SD3TransformerConfig, batch: Int, imageTokens: Int, textTokens: Int) -> Double {
        let b = Double(batch), n = Double(imageTokens), l = Double(textTokens), d = Double(c.innerDim)
        let p2 = Double(c.patchSize * c.patchSize)
        func mm(_ m: Double, _ k: Double, _ o: Double) -> Double { 2 * m * k * o }
        var total = mm(b * n, Double(c.inChannels) * p2, d)                         // patch embedding
        total += mm(b, 256, d) + mm(b, d, d)                                       // timestep MLP
        total += mm(b, Double(c.pooledProjectionDim), d) + mm(b, d, d)             // pooled text MLP
        total += mm(b * l, Double(c.jointAttentionDim), d)                         // context embedder
        for index in 0..<c.numLayers {
            let last = index == c.numLayers - 1
            let dual = c.dualAttentionLayers.contains(index)
            total += mm(b, d, (dual ? 9 : 6) * d)                                  // adaLN-Zero (image)
            total += mm(b, d, (last ? 2 : 6) * d)                                  // adaLN (text)
            total += 3 * mm(b * n, d, d) + 3 * mm(b * l, d, d)                     // q, k, v
            total += 2 * mm(b * (n + l), d, n + l)                                 // QKᵀ and AV over all heads
            total += mm(b * n, d, d) + (last ? 0 : mm(b * l, d, d))                // output projections
            if dual {
                total += 4 * mm(b * n, d, d) + 2 * mm(b * n, d, n)                 // second, image-only attention
            }
            total += 2 * mm(b * n, d, 4 * d) + (last ? 0 : 2 * mm(b * l, d, 4 * d)) // feed-forward (×4)
        }
        total += mm(b, d, 2 * d)                                                   // output adaLN
        total += mm(b * n, d, p2 * Double(c.outChannels))                          // output projection
        return total
    }

    /// Runs this executable's `generate` once (OpenBLAS on `threads` threads) and times it.
    private func timeGenerateProcess(modelURL: URL, size: ImageSizeOption, shift: Double, steps: Int, cfg: Float) throws -> Double? {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("dit-bench-\(getpid()).png")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["generate", prompt, "--model", modelURL.path, "--seed", "0", "--steps", String(steps),
                             "--cfg", String(cfg), "--shift", String(shift), "--size", size.description,
                             "--out", output.path, "--overwrite"]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = String(threads)
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = Date()
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            print(row("`dit-studio generate` process", "failed with status \(process.terminationStatus)"))
            return nil
        }
        return Date().timeIntervalSince(start) * 1000
    }

    // MARK: - PyTorch

    /// `Benchmarks/pytorch_baseline.py` from the current directory or above the executable.
    private func baselineScript() -> URL? {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        return candidates.map { $0.appendingPathComponent("Benchmarks/pytorch_baseline.py") }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Runs the PyTorch baseline, prints its figures and the ratios, and returns its JSON (nil when it could not run).
    private func comparePyTorch(modelURL: URL, size: ImageSizeOption, shift: Double, steps: Int, cfg: Float, forwardMs: Double,
                                loopMs: Double, decodeMs: Double?, generationMs: Double, processMs: Double?) throws -> [String: Any]? {
        guard let script = baselineScript() else {
            print("PyTorch comparison skipped: Benchmarks/pytorch_baseline.py not found (run from the repository root)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--model", modelURL.path, "--steps", String(steps),
                             "--threads", String(threads), "--size", size.description, "--cfg", String(cfg),
                             "--shift", String(shift), "--runs", String(runs), "--prompt", prompt]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            print("PyTorch comparison skipped: cannot run python3 (\(error.localizedDescription))")
            return nil
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard process.terminationStatus == 0, let last = lines.last,
              let json = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any],
              let torchForward = json["forward_ms"] as? Double, let torchLoop = json["loop_ms"] as? Double else {
            print("PyTorch comparison failed: pytorch_baseline.py exited with status \(process.terminationStatus)")
            return nil
        }
        print("PyTorch eager (\(json["torch"] as? String ?? "?"), same model, size, steps, cfg, \(threads) thread(s)), one run:")
        print(row("  transformer forward (batch \(batch(json)))", String(format: "%8.2f ms", torchForward)))
        print(row("  sampling loop (\(steps) steps)",
                  String(format: "%8.1f ms  %6.2f it/s", torchLoop, Double(steps) * 1000 / torchLoop)))
        let torchDecode = json["decode_ms"] as? Double
        if let torchDecode {
            print(row("  VAE decode", String(format: "%8.2f ms", torchDecode)))
        }
        print("time ratio Swift / PyTorch (below 1: Swift is faster):")
        print(row("  transformer forward", String(format: "%8.2f", forwardMs / torchForward)))
        print(row("  sampling loop vs sampling loop", String(format: "%8.2f", loopMs / torchLoop)))
        if let decodeMs, let torchDecode {
            print(row("  VAE decode", String(format: "%8.2f", decodeMs / torchDecode)))
        }
        print(row("  full generation vs sampling loop", String(format: "%8.2f", generationMs / torchLoop)))
        if let processMs {
            print(row("  whole generate process vs loop", String(format: "%8.2f", processMs / torchLoop)))
        }
        return json
    }

    private func batch(_ json: [String: Any]) -> Int { json["batch"] as? Int ?? 0 }
}
