import ArgumentParser
import DiTEngine
import Foundation
import StudioCore
import StudioTUI

/// `dit-studio studio` (and `dit-studio` alone): the terminal studio.
struct StudioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studio",
        abstract: "Open the terminal studio (the default when no subcommand is given).",
        discussion: """
            Opens the last session (or a new one) with the prompt line focused: type a prompt and press \
            Enter to queue it; the preview forms step by step. F1 or ? lists every key. Ctrl-C or Ctrl-Q \
            quits; queued jobs stay in the session and run when it is opened again.
            """
    )

    @Option(name: .customLong("session"), help: "Open this session (see `dit-studio sessions list`).")
    var sessionID: String?

    @Flag(name: .customLong("new-session"), help: "Start a new session.")
    var newSession = false

    @Option(name: .customLong("output-dir"), help: "Also write images to this folder (a new session's image folder).")
    var outputDirectory: String?

    @Option(name: .customLong("model"), help: "Model directory (diffusers layout); default: the built-in model.")
    var model: String?

    @Option(name: .customLong("theme"), help: "Colour theme (see `dit-studio themes`).")
    var theme: String?

    func validate() throws {
        if sessionID != nil && newSession {
            throw ValidationError("--session and --new-session exclude each other")
        }
        if outputDirectory != nil && sessionID != nil {
            throw ValidationError("--output-dir applies to a new session (the image folder is fixed when a session is created); use it with --new-session")
        }
    }

    func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw StudioTUIError.noTerminal }
        let environment = ProcessInfo.processInfo.environment
        let paths = StudioPaths.announced()
        let themes = ThemeCatalog.standard(paths: paths)
        let selectedTheme = try themes.select(requested: theme, environment: environment)
        let modelURL = try model.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DefaultModel.directory()
        let defaults = try ModelDefaults(modelDirectory: modelURL)
        let parameters = defaults.parameters(prompt: "", seed: UInt64.random(in: SeedPolicy.randomRange),
                                             model: model.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        let settings = StudioSettings(parameters: parameters, seedPolicy: .increment, themeName: selectedTheme.name)
        let tokenizer = try? Tokenizer(url: modelURL.appendingPathComponent("tokenizer/tokenizer.json"))

        let store = SessionStore(paths: paths)
        let worker = Worker(engine: DiTGenerationEngine.factory(), previews: .whenDrained)
        let options = SessionOptions(imageDirectory: outputDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                     preloadModel: model == nil, closeTimeout: 30)
        let session: Session
        var openingProblem: String?
        if let sessionID {
            session = try Session.open(id: sessionID, in: store, worker: worker, options: options)
        } else if newSession || outputDirectory != nil {
            session = try Session.create(in: store, worker: worker, options: options)
        } else {
            do {
                session = try Session.openLast(in: store, worker: worker, options: options)
                    ?? Session.create(in: store, worker: worker, options: options)
            } catch {
                // The last session cannot be opened (a journal another studio holds, an unreadable
                // folder): start a new one and say why; the old one is left exactly as it is.
                openingProblem = "could not open the last session (\(error)); started a new one"
                session = try Session.create(in: store, worker: worker, options: options)
            }
        }
        if model != nil { worker.preload(model: parameters.model) }

        // Stop signals are noted (the loop quits cleanly, restoring the terminal); a second one ends at once.
        ProcessSignals.stopGracefully()
        let terminal = try CursesTerminal(environment: environment)
        let services = StudioApp.Services(
            store: store, worker: worker, sessionOptions: options, themes: themes,
            presets: PresetCatalog.standard(paths: paths, capabilities: DiTGenerationEngine.capabilities),
            environment: environment, modelDefaults: defaults,
            unknownWords: tokenizer.map { tokenizer in { tokenizer.encode($0).unknownWords } })
        let app = StudioApp(session: session, terminal: terminal, theme: selectedTheme, settings: settings, services: services,
                            stopRequested: { ProcessSignals.stopRequested || terminal.hangUpReceived })
        if let openingProblem { app.dispatch(.message(StatusMessage(TerminalText.line(openingProblem), isError: true))) }
        app.run()
        worker.shutdown(timeout: 5)
    }
}
