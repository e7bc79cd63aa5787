import ArgumentParser
import DiTEngine
import Foundation
import StudioCore
import StudioTUI

/// `dit-studio studio-bench`: how responsive the studio stays while the engine works, and what the
/// per-step previews cost a generation. Runs the studio's real loop (reducer, views, session,
/// worker, engine) against an in-memory terminal in a temporary session folder.
struct StudioBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio-bench",
        abstract: "Measure the studio's key-to-screen latency while generating, and the cost of live previews."
    )

    @Option(parsing: .unconditional, help: "Key presses to time (1–10000).")
    var keys = 200

    @Option(parsing: .unconditional, help: "Steps of the timed generations (1–10000).")
    var steps = 20

    func validate() throws {
        guard (1...10_000).contains(keys) else { throw ValidationError("--keys must be 1–10000 (got \(keys))") }
        guard (1...10_000).contains(steps) else { throw ValidationError("--steps must be 1–10000 (got \(steps))") }
    }

    func run() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dit-studio-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let modelURL = try DefaultModel.directory()
        var parameters = try ModelDefaults(modelDirectory: modelURL).parameters(prompt: "a large red circle")
        parameters.steps = steps

        // 1. What one preview costs against one step, in the engine itself.
        try measurePreviewCosts(modelURL: modelURL, parameters: parameters)

        // 2. Previews: the same jobs without and with a preview after every step, each preview mode.
        var seconds: [(policy: PreviewPolicy, choice: PreviewChoice, seconds: Double)] = []
        let configurations: [(PreviewPolicy, PreviewChoice)] = [(.never, .auto)] + PreviewChoice.allCases.map { (.everyStep, $0) }
        for (policy, choice) in configurations + configurations {
            let worker = Worker(engine: DiTGenerationEngine.factory(), previews: policy)
            worker.previewChoice = choice
            let store = SessionStore(root: root.appendingPathComponent("previews-\(UUID().uuidString)"))
            let session = try Session.create(in: store, worker: worker, options: SessionOptions(preloadModel: true))
            _ = session.runUntilIdle(timeout: 120)  // the model load is not timed
            let start = Worker.monotonicSeconds()
            try session.enqueue(JobRequest(parameters: parameters, count: 3))
            _ = session.runUntilIdle(timeout: 600)
            seconds.append((policy, choice, (Worker.monotonicSeconds() - start) / 3))
            session.close()
            worker.shutdown()
        }
        let plain = seconds.filter { $0.policy == .never }.map(\.seconds).min() ?? 0
        Console.out(String(format: "generation, %d steps, built-in model: %.3f s without previews (best of 2)\n", steps, plain))
        for choice in PreviewChoice.allCases {
            let previewed = seconds.filter { $0.policy == .everyStep && $0.choice == choice }.map(\.seconds).min() ?? 0
            Console.out("  with a preview every step, \(choice.rawValue): " + String(format: "%.3f s (%+.1f%%)\n", previewed,
                                                                                   plain > 0 ? (previewed / plain - 1) * 100 : 0))
        }
        // The studio's own loop: previews when drained, news taken every `pumpInterval`.
        for interval in [0.033, 0.1] {
            var best = Double.infinity
            for _ in 0..<3 {
                let worker = Worker(engine: DiTGenerationEngine.factory(), previews: .whenDrained)
                let store = SessionStore(root: root.appendingPathComponent("loop-\(UUID().uuidString)"))
                let options = SessionOptions(preloadModel: true)
                let session = try Session.create(in: store, worker: worker, options: options)
                _ = session.runUntilIdle(timeout: 120)
                let app = StudioApp(session: session, terminal: InMemoryTerminal(), theme: Theme.fallback,
                                    settings: StudioSettings(parameters: parameters),
                                    services: StudioApp.Services(store: store, worker: worker, sessionOptions: options,
                                                                 themes: ThemeCatalog.standard(), presets: PresetCatalog(),
                                                                 environment: [:], unknownWords: nil))
                app.pumpInterval = interval
                let start = Worker.monotonicSeconds()
                try session.enqueue(JobRequest(parameters: parameters, count: 3))
                // As on a terminal, where each turn waits up to the poll interval for a key.
                while !session.isIdle { app.step(); Thread.sleep(forTimeInterval: Double(app.pollMilliseconds) / 1000) }
                best = min(best, (Worker.monotonicSeconds() - start) / 3)
                session.close()
                worker.shutdown()
            }
            Console.out(String(format: "generation in the studio loop (previews when drained, news every %.0f ms): %.3f s (%+.1f%%)\n",
                               interval * 1000, best, plain > 0 ? (best / plain - 1) * 100 : 0))
        }

        // 3. Key-to-screen latency while the engine works (the studio's own preview policy).
        let worker = Worker(engine: DiTGenerationEngine.factory(), previews: .whenDrained)
        let store = SessionStore(root: root.appendingPathComponent("latency"))
        let options = SessionOptions(preloadModel: true)
        let session = try Session.create(in: store, worker: worker, options: options)
        _ = session.runUntilIdle(timeout: 120)
        let terminal = InMemoryTerminal(size: TerminalSize(columns: 120, rows: 40), colorMode: .xterm256)
        let services = StudioApp.Services(store: store, worker: worker, sessionOptions: options, themes: ThemeCatalog.standard(),
                                          presets: PresetCatalog(), environment: [:], unknownWords: nil)
        var settings = StudioSettings(parameters: parameters)
        settings.parameters.prompt = ""
        let app = StudioApp(session: session, terminal: terminal, theme: Theme.fallback, settings: settings, services: services)
        app.pollMilliseconds = 0
        var lastFrame = 0.0
        app.onFrame = { lastFrame = $0 }
        // Keep the engine busy for the whole measurement: a long batch.
        app.dispatch(.input(.paste("a large red circle")))
        app.dispatch(.input(.key(.enter)))
        app.step()
        var latencies: [Double] = []
        var busyKeys = 0
        for index in 0..<keys {
            Thread.sleep(forTimeInterval: 0.01)
            app.step()  // take in whatever the worker posted meanwhile, as the loop does between keys
            terminal.events.append(.key(.character(index % 2 == 0 ? "x" : "y")))
            let pressed = Worker.monotonicSeconds()
            let framesBefore = terminal.screens.count
            while terminal.screens.count == framesBefore { app.step() }
            latencies.append((lastFrame - pressed) * 1000)
            if worker.isBusy { busyKeys += 1 }
            if index % 40 == 39 { app.dispatch(.input(.key(.ctrl("u")))) }
            if session.queue.runningJob == nil && session.queue.pending.isEmpty { app.dispatch(.input(.key(.enter))) }
        }
        session.close()
        worker.shutdown()
        latencies.sort()
        let median = latencies[latencies.count / 2]
        let p95 = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.95))]
        Console.out(String(format: "key to updated screen (reducer, views, screen buffer; in-memory terminal), %d keys, %d while the engine ran: median %.2f ms, p95 %.2f ms, max %.2f ms\n",
                           latencies.count, busyKeys, median, p95, latencies.last ?? 0))
    }

    /// One sampling step, one exact decode and one approximate preview of the same predicted clean
    /// sample, each the median of many, in the engine without the studio around it.
    private func measurePreviewCosts(modelURL: URL, parameters: GenerateParameters) throws {
        let pipeline = try GenerationPipeline(model: DiffusionModel(directory: modelURL))
        if let notice = pipeline.previewMapNotice { Console.out("note: \(notice)\n") }
        let request = GenerationRequest(prompt: parameters.prompt, seed: parameters.seed, steps: parameters.steps,
                                        guidanceScale: Float(parameters.guidance), shift: parameters.shift,
                                        width: parameters.width, height: parameters.height)
        let run = try pipeline.prepare(request).run
        var stepSeconds: [Double] = []
        var predicted: Tensor?
        while true {
            let start = Worker.monotonicSeconds()
            guard let step = try run.nextStep() else { break }
            stepSeconds.append(Worker.monotonicSeconds() - start)
            if step.index == run.totalSteps / 2 { predicted = step.predictedClean }
        }
        guard let sample = predicted else { return }
        func median(_ repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<repetitions {
                let start = Worker.monotonicSeconds()
                try body()
                times.append(Worker.monotonicSeconds() - start)
            }
            return times.sorted()[times.count / 2]
        }
        let step = stepSeconds.sorted()[stepSeconds.count / 2]
        let exact = try median(21) { _ = try pipeline.previewRGB8(sample, width: request.width, height: request.height, decoding: .exact) }
        Console.out(String(format: "one step (median of %d): %.2f ms; one preview: exact VAE decode %.2f ms (%.1f%% of a step)",
                           stepSeconds.count, step * 1000, exact * 1000, 100 * exact / step))
        if pipeline.previewMap != nil {
            let approximate = try median(501) {
                _ = try pipeline.previewRGB8(sample, width: request.width, height: request.height, decoding: .approximate)
            }
            Console.out(String(format: ", approximate (preview map) %.3f ms (%.2f%% of a step)", approximate * 1000, 100 * approximate / step))
        } else {
            Console.out(", no preview map (previews are exact)")
        }
        Console.out("\n")
    }
}
