import ArgumentParser
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
            $XDG_DATA_HOME/dit-studio/sessions unless --session-root says otherwise.
            """
    )

    @Argument(help: "The preset's name (see `dit-studio presets`).")
    var preset: String

    @Option(help: "The prompt ({prompt} in the preset's template; default: the preset's own prompt).")
    var prompt: String?

    @Option(help: "Write the images here instead of the session folder.", completion: .directory)
    var outDir: String?

    @Option(parsing: .unconditional, help: "First seed (default: the preset's, else random).")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Override the steps of every operation (1–10000; e.g. a quick check of a long preset).")
    var steps: Int?

    @Option(help: "Where sessions live (default: $XDG_DATA_HOME/dit-studio/sessions).", completion: .directory)
    var sessionRoot: String?

    @Option(help: "Model directory (default: $DIT_STUDIO_MODEL, else the built-in model).", completion: .directory)
    var model: String?

    func validate() throws {
        if let steps, let problem = GenerateParameters.stepsProblem(steps) { throw ValidationError("--steps \(problem)") }
        if let model { try validateModelDirectory(model) }
    }

    func run() throws {
        let paths = StudioPaths.announced()
        let catalog = PresetCatalog.standard(paths: paths, capabilities: DiTGenerationEngine.capabilities)
        for warning in catalog.warnings { Console.error("\(warning)") }
        let chosen = try catalog.preset(named: preset)
        var overrides = SettingsPatch()
        overrides.steps = steps
        overrides.model = model.map { URL(fileURLWithPath: $0).standardizedFileURL.path }

        let store = sessionRoot.map { SessionStore(root: URL(fileURLWithPath: $0, isDirectory: true)) }
            ?? SessionStore(paths: paths)
        let worker = Worker(engine: DiTGenerationEngine.factory(), previews: .never)
        let options = SessionOptions(imageDirectory: outDir.map { URL(fileURLWithPath: $0, isDirectory: true) })
        let session = try Session.create(in: store, worker: worker, options: options)
        defer { session.close() }
        Console.error("session \(session.id) (\(session.directory.path))")

        let display = RunProgressDisplay()
        let report = try PresetRunner(session: session).run(chosen, prompt: prompt, seed: seed, overrides: overrides) {
            display.show($0)
        }
        display.finish()
        for url in report.outputs { print(url.path) }
        for (job, reason) in report.failures.sorted(by: { $0.key < $1.key }) {
            Console.error("error: job \(job): \(reason)")
        }
        if !report.succeeded { throw ExitCode.failure }
    }
}

/// Progress of a preset run on standard error: a redrawn bar on a terminal, plain lines otherwise.
final class RunProgressDisplay {
    private var bar: ProgressBar?
    private let isTerminal = isatty(STDERR_FILENO) == 1

    func show(_ event: PresetRunner.Event) {
        switch event {
        case let .queued(operation, total, label, jobs):
            line("operation \(operation)/\(total): \(label) (\(jobs.count) job\(jobs.count == 1 ? "" : "s"))")
        case let .worker(.step(_, progress, _)):
            if isTerminal {
                if bar == nil { bar = ProgressBar(total: progress.total) }
                bar?.update(completed: progress.step)
            }
        case let .worker(.finished(job, output, seconds)):
            finishBar()
            line("job \(job): \(output.path) (\(String(format: "%.2f", seconds)) s)")
        case let .worker(.failed(job, message)):
            finishBar()
            line("job \(job) failed: \(message)")
        case let .worker(.modelLoaded(_, model, seconds)):
            line("model \(model.name) loaded in \(String(format: "%.2f", seconds)) s")
        case let .problem(message):
            line("warning: \(message)")
        default:
            break
        }
    }

    func finish() { finishBar() }

    private func finishBar() {
        bar?.finish()
        bar = nil
    }

    private func line(_ text: String) {
        Console.error(text)
    }
}
