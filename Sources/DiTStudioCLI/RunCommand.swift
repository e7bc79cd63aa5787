import ArgumentParser
import DiTEngine
import Foundation
import StudioCore

/// `dit-studio run PRESET`: runs a preset headless in a new session (journal and images under the
/// XDG data folder, or the images in --out-dir), and prints the path of every image it wrote.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a preset headless and print the paths of the images it wrote.",
        discussion: """
            The preset's operations run in order in a new session, each on the previous result. \
            Progress goes to standard error: a bar on a terminal, plain lines otherwise. Presets \
            come from `dit-studio presets`. The session (its journal and images) is kept under \
            $XDG_DATA_HOME/dit-studio/sessions unless --session-root says otherwise. Interrupted \
            (Ctrl-C, SIGTERM, SIGQUIT), it prints the images already finished and leaves the rest \
            queued: `dit-studio sessions resume ID` runs them.
            """
    )

    @Argument(help: "The preset's name (see `dit-studio presets`).")
    var preset: String

    @Option(help: "The prompt ({prompt} in the preset's template; default: the preset's own prompt).")
    var prompt: String?

    @Option(help: "An image for an editing preset to start from (its first operation edits it).", completion: .file(extensions: ["png"]))
    var image: String?

    @Option(help: "Write the images here instead of the session folder.", completion: .directory)
    var outDir: String?

    @Option(parsing: .unconditional, help: "First seed (default: the preset's, else random).")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Override the steps of every operation (1–10000; e.g. a quick check of a long preset).")
    var steps: Int?

    @Option(help: "Where sessions live (default: $XDG_DATA_HOME/dit-studio/sessions).", completion: .directory)
    var sessionRoot: String?

    @Option(help: CacheOption.help)
    var cache: CacheOption?

    @Option(help: "Model directory (default: $DIT_STUDIO_MODEL, else the built-in model).", completion: .directory)
    var model: String?

    func validate() throws {
        if let steps, let problem = GenerateParameters.stepsProblem(steps) { throw ValidationError("--steps \(problem)") }
        if let outDir {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: outDir, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw ValidationError("--out-dir \(outDir): not a directory")
            }
        }
    }

    func run() throws {
        let paths = StudioPaths.announced()
        let catalog = PresetCatalog.standard(paths: paths, capabilities: DiTGenerationEngine.capabilities)
        for warning in catalog.warnings { Console.error("\(warning)") }
        var overrides = SettingsPatch()
        overrides.steps = steps
        overrides.caching = cache?.level
        overrides.model = model.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let named = try catalog.preset(named: preset)
        // What the preset leaves open is the model's default, as for `generate` and the studio.
        if let directory = overrides.model ?? named.settings.model { try validateModelAndSize(model: directory, size: nil) }
        let chosen = named.resolved(with: try ModelDefaults(model: overrides.model ?? named.settings.model))

        // Everything that can be checked is checked before the session folder is made.
        var generator = SystemRandomNumberGenerator()
        var start: ImageReference?
        var startPrompt: String?
        if let image {
            let url = URL(fileURLWithPath: image).standardizedFileURL
            let png: PNGImage
            do { png = try PNGFile.read(from: url) } catch { throw CLIError.badInput("--image \(image): \(error)") }
            start = ImageReference(path: url.path, fingerprint: try? ContentFingerprint.of(fileAt: url))
            startPrompt = (try? ImageMetadata(png: png).jobRequest(defaults: GenerateParameters(prompt: ""),
                                                                  capabilities: DiTGenerationEngine.capabilities))?.request.parameters.prompt
        }
        if start != nil, !chosen.effectiveOperations.contains(where: \.kind.editsPreviousResult) {
            throw CLIError.badInput("preset '\(chosen.name)' edits no image; --image applies to editing presets")
        }
        let plan = try chosen.plan(prompt: prompt ?? (chosen.settings.prompt == nil ? startPrompt : nil), seed: seed,
                                   overrides: overrides, sourcePrompt: startPrompt, fromImage: start != nil, using: &generator)
        if plan.needsStartingImage, start == nil {
            throw CLIError.badInput("preset '\(chosen.name)' edits an image from its first operation: give one with --image IN.png")
        }
        try Self.check(plan)

        let store = sessionRoot.map { SessionStore(root: URL(fileURLWithPath: $0, isDirectory: true)) }
            ?? SessionStore(paths: paths)
        ProcessSignals.stopGracefully()
        let worker = Worker(engine: DiTGenerationEngine.factory(), previews: .never)
        let options = SessionOptions(imageDirectory: outDir.map { URL(fileURLWithPath: $0, isDirectory: true) })
        let session = try Session.create(in: store, worker: worker, options: options)
        defer { session.close() }
        Console.error("session \(session.id) (\(session.directory.path))")

        let display = RunProgressDisplay()
        let report = try PresetRunner(session: session).run(plan, image: start, stop: ProcessSignals.stopRequest) {
            display.show($0)
        }
        display.finish()
        for url in report.outputs { print(url.path) }
        display.reportRemaining(report.failures)
        switch report.ending {
        case nil:
            break
        case .interrupted:
            throw ProcessSignals.interrupted(detail: Self.resumeHint(session))
        case let .some(ending):
            display.error(ending.message)
            throw ExitCode.failure
        }
        if !report.succeeded { throw ExitCode.failure }
    }

    /// The parameters of every job, and the models and sizes they name, as far as they can be
    /// checked without loading weights.
    static func check(_ plan: PresetPlan) throws {
        for request in plan.allRequests {
            do { try request.parameters.validate() } catch {
                throw ValidationError("preset '\(plan.presetName)': \(error)")
            }
        }
        var checked = Set<String?>()
        for request in plan.allRequests where checked.insert(request.parameters.model).inserted {
            try validateModelAndSize(model: request.parameters.model, size: nil)
        }
        for request in plan.allRequests {
            let parameters = request.parameters
            do {
                let url = try parameters.model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.directory()
                try ImageGeometry(modelDirectory: url).validate(width: parameters.width, height: parameters.height)
            } catch {
                throw ValidationError("preset '\(plan.presetName)': size \(parameters.width)x\(parameters.height): \(error)")
            }
        }
    }

    /// How to finish what an interrupted run left queued.
    static func resumeHint(_ session: Session) -> String {
        let left = session.queue.pending.count + (session.queue.running == nil ? 0 : 1)
        guard left > 0 else { return "nothing was left unfinished" }
        return "\(left) unfinished job\(left == 1 ? "" : "s") stay queued: dit-studio sessions resume \(session.id)"
    }
}

/// Progress of a headless run on standard error: a redrawn bar on a terminal, plain lines
/// otherwise. Each failure is printed once, when it happens (`reportRemaining` prints the rest).
final class RunProgressDisplay {
    private var bar: ProgressBar?
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var reported = Set<JobID>()

    func show(_ event: PresetRunner.Event) {
        switch event {
        case let .queued(operation, total, label, jobs):
            line("operation \(operation)/\(total): \(label) (\(jobs.count) job\(jobs.count == 1 ? "" : "s"))")
        case let .worker(event):
            show(event)
        case let .problem(message):
            line("warning: \(message)")
        }
    }

    func show(_ event: WorkerEvent) {
        switch event {
        case let .step(_, progress, _):
            if isTerminal {
                if bar == nil { bar = ProgressBar(total: progress.total) }
                bar?.update(completed: progress.step)
            }
        case let .finished(job, output, seconds):
            finishBar()
            line("job \(job): \(output.path) (\(String(format: "%.2f", seconds)) s)")
        case let .failed(job, message):
            finishBar()
            fail(job, message)
        case let .modelLoaded(_, model, seconds):
            line("model \(model.name) loaded in \(String(format: "%.2f", seconds)) s")
        default:
            break
        }
    }

    /// Failures not printed yet (a job failed without a worker event: refused when dispatched).
    func reportRemaining(_ failures: [JobID: String]) {
        for (job, reason) in failures.sorted(by: { $0.key < $1.key }) where !reported.contains(job) {
            fail(job, reason)
        }
    }

    func error(_ message: String) {
        finishBar()
        line("error: \(message)")
    }

    func finish() { finishBar() }

    private func fail(_ job: JobID, _ message: String) {
        reported.insert(job)
        line("error: job \(job): \(message)")
    }

    private func finishBar() {
        bar?.finish()
        bar = nil
    }

    private func line(_ text: String) {
        Console.error(text)
    }
}
