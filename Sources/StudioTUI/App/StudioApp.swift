import Foundation
import StudioCore

/// The studio's main loop: reads input without blocking (a short poll), pumps the session, runs
/// the reducer, performs its effects, and redraws only when the state changed. Engine work happens
/// on the worker's thread, so a key is answered within one poll interval whatever the engine does.
public final class StudioApp {
    public struct Services {
        public var store: SessionStore
        public var worker: Worker
        public var sessionOptions: SessionOptions
        public var themes: ThemeCatalog
        public var presets: PresetCatalog
        public var environment: [String: String]
        /// The studio's model's defaults, under what a preset leaves open.
        public var modelDefaults: ModelDefaults
        /// The words of a prompt the model's tokenizer does not know (nil: no check).
        public var unknownWords: ((String) -> [String])?

        public init(store: SessionStore, worker: Worker, sessionOptions: SessionOptions, themes: ThemeCatalog,
                    presets: PresetCatalog, environment: [String: String], modelDefaults: ModelDefaults = .builtIn,
                    unknownWords: ((String) -> [String])?) {
            self.store = store
            self.worker = worker
            self.sessionOptions = sessionOptions
            self.themes = themes
            self.presets = presets
            self.environment = environment
            self.modelDefaults = modelDefaults
            self.unknownWords = unknownWords
        }
    }

    public private(set) var state: AppState
    public private(set) var session: Session
    private let terminal: any Terminal
    private var context: RenderContext
    private let services: Services
    private var lastDrawn: AppState?
    private var lastMemoryCheck = 0.0
    /// Asked between polls: a stop signal or hang-up arrived.
    private let stopRequested: () -> Bool
    /// How long a poll for input waits (milliseconds).
    public var pollMilliseconds = 16
    /// Least seconds between two takes of the worker's news while a job runs. The worker decodes a
    /// preview only once the last one was taken (`PreviewPolicy.whenDrained`), so this caps the
    /// preview rate; but a finished job is also only noticed (and the next one started) at a take,
    /// so a long interval costs a queue of short jobs more than the previews it saves
    /// (`dit-studio studio-bench` measures both). About two frames.
    public var pumpInterval = 0.033
    private var lastPump = 0.0
    /// Called after every frame drawn, with the time it was drawn (benchmarks).
    public var onFrame: ((Double) -> Void)?

    public init(session: Session, terminal: any Terminal, theme: Theme, settings: StudioSettings, services: Services,
                stopRequested: @escaping () -> Bool = { false }) {
        self.session = session
        self.terminal = terminal
        self.services = services
        self.stopRequested = stopRequested
        context = RenderContext(theme: theme, colorMode: terminal.colorMode)
        var settings = settings
        settings.themeName = theme.name
        state = AppState(size: terminal.size, settings: settings, session: Self.snapshot(of: session), themeName: theme.name)
        services.worker.previewChoice = settings.previews
        state.layout.modelRegional = services.modelDefaults.regional
        for note in session.openingNotes { state.status = StatusMessage(TerminalText.line(note)) }
        if let problem = (services.themes.problems.map(\.description) + services.presets.problems.map(\.description)).first {
            state.status = StatusMessage(TerminalText.line(problem), isError: true)
        }
    }

    /// Runs until the user quits or a stop signal arrives; the session is closed (a running job
    /// goes back to the front of the queue) and the terminal restored on the way out.
    public func run() {
        defer {
            session.close()
            terminal.restore()
        }
        draw()
        while !state.isQuitting {
            step()
        }
    }

    /// One turn of the loop: input (all that is waiting), the session's news, a redraw if needed.
    public func step() {
        if stopRequested() { dispatch(.stopSignal); return }
        var handled = 0
        var timeout = pollMilliseconds
        while handled < 256, let event = terminal.nextEvent(timeoutMilliseconds: timeout) {
            if event == .resize { dispatch(.resized(terminal.size)) }
            let before = state.prompt.text
            dispatch(.input(event))
            if state.prompt.text != before, let check = services.unknownWords {
                dispatch(.unknownWords(check(state.prompt.text)))
            }
            handled += 1
            timeout = 0
            if state.isQuitting { return }
        }
        let now = Worker.monotonicSeconds()
        guard session.queue.running == nil || now - lastPump >= pumpInterval else { draw(); return }
        lastPump = now
        let update = session.pump()
        if !update.isEmpty || now - lastMemoryCheck > 1 {
            lastMemoryCheck = now
            dispatch(.session(snapshot(), problems: update.problems))
        }
        draw()
    }

    public func dispatch(_ event: AppEvent) {
        let effects = Reducer.reduce(&state, event)
        for effect in effects { perform(effect) }
        // The preview setting acts in the worker (on the next job): hand it over when it changes.
        if services.worker.previewChoice != state.settings.previews { services.worker.previewChoice = state.settings.previews }
    }

    private func draw() {
        guard state != lastDrawn else { return }
        terminal.draw(StudioView.render(state, context: context))
        lastDrawn = state
        onFrame?(Worker.monotonicSeconds())
    }

    private func snapshot() -> SessionSnapshot {
        var snapshot = Self.snapshot(of: session)
        snapshot.residentMegabytes = Self.residentMegabytes()
        return snapshot
    }

    static func snapshot(of session: Session) -> SessionSnapshot {
        SessionSnapshot(id: session.id, queue: session.queue, progress: session.progress, preview: session.preview,
                        modelName: session.model?.name, stalledReason: session.stalledReason)
    }

    /// Resident memory from /proc/self/statm (nil where there is none).
    static func residentMegabytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / (1 << 20)
    }

    // MARK: - Effects

    /// Reads and checks a mask PNG for a `width × height` source: readable, the same size, some white.
    static func loadMask(path: String, width: Int, height: Int) throws -> LoadedMask {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let shown = TerminalText.line(path)
        let image: RGBImage
        do { image = try PNGFile.read(from: url).image } catch {
            throw StudioTUIError.badFile("mask \(shown): \(error)")
        }
        guard image.width == width, image.height == height else {
            throw StudioTUIError.badFile("mask \(shown) is \(image.width)×\(image.height); the source is \(width)×\(height): use a mask of the same size")
        }
        let mask = MaskImage.mask(from: image)
        guard let bounds = MaskImage.boundingBox(of: mask) else {
            throw StudioTUIError.badFile("mask \(shown) has no white pixels: white marks what is redone")
        }
        let inside = mask.values.reduce(0) { $0 + Int($1) }
        return LoadedMask(path: url.standardizedFileURL.path, bounds: bounds, coverage: Double(inside) / Double(width * height))
    }

    private func fail(_ error: Error) {
        dispatch(.message(StatusMessage(TerminalText.line("\(error)"), isError: true)))
    }

    private func perform(_ effect: Effect) {
        do {
            switch effect {
            case let .enqueue(request):
                let ids = try session.enqueue(request)
                dispatch(.session(snapshot(), problems: []))
                dispatch(.queued(ids, label: request.label ?? "prompt"))
            case let .cancel(id):
                try session.cancel(id)
                dispatch(.session(snapshot(), problems: []))
            case let .move(id, offset):
                try session.move(id, by: offset)
                dispatch(.session(snapshot(), problems: []))
            case .pause:
                try session.pause()
                dispatch(.session(snapshot(), problems: []))
                dispatch(.message(StatusMessage("queue paused: the running job finishes, nothing new starts (p resumes)")))
            case .resume:
                try session.resume()
                dispatch(.session(snapshot(), problems: []))
                dispatch(.message(StatusMessage("queue resumed")))
            case let .rerun(id):
                let new = try session.rerun(id)
                dispatch(.session(snapshot(), problems: []))
                dispatch(.queued([new], label: "re-run"))
            case let .loadImage(id):
                guard let url = session.imageURL(of: id) else { return }
                let image = try PNGFile.read(from: url).image
                dispatch(.imageLoaded(id, image))
            case let .loadSourceFile(path):
                let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                let png = try PNGFile.read(from: url)
                let prompt = (try? ImageMetadata(contentsOf: url))?.parameters?.prompt
                dispatch(.sourceLoaded(ImageReference(path: url.standardizedFileURL.path), png.image, prompt: prompt))
            case let .loadMaskFile(path, width, height):
                dispatch(.maskLoaded(try Self.loadMask(path: path, width: width, height: height)))
            case let .saveLayout(layout, path, overwrite):
                let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                do {
                    try SafeFileWriter().write(text: LayoutFile.text(of: layout), to: url, overwrite: overwrite)
                    dispatch(.layoutSaved(path: path))
                } catch FileWriteError.exists {
                    dispatch(.layoutExists(path: path))
                }
            case let .openLayout(path):
                let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                let (layout, _) = try LayoutFile.load(contentsOf: url, displayPath: path)
                dispatch(.layoutLoaded(layout, path: path))
            case let .switchTheme(name):
                let theme = try services.themes.select(requested: name, environment: [:])
                context.theme = theme
                lastDrawn = nil
                dispatch(.themeChanged(theme.name))
            case let .applyPreset(name):
                let named = try services.presets.preset(named: name)
                let preset = named.resolved(with: try named.settings.model.map { try ModelDefaults(model: $0) } ?? services.modelDefaults)
                dispatch(.presetApplied(preset))
                guard !preset.operations.isEmpty else { return }
                // A scripted preset queues all its operations at once, as a group, for the prompt typed
                // (or its own prompt).
                let typed = state.prompt.text.trimmingCharacters(in: .whitespaces)
                var generator = SystemRandomNumberGenerator()
                let plan = try preset.plan(prompt: typed.isEmpty ? nil : typed, using: &generator)
                var ids: [JobID] = []
                for request in plan.allRequests { ids += try session.enqueue(request) }
                dispatch(.session(snapshot(), problems: []))
                dispatch(.queued(ids, label: "preset \(preset.name)"))
                dispatch(.message(StatusMessage("preset \(TerminalText.line(preset.name)): queued \(ids.count) jobs in \(plan.steps.count) operations")))
            case let .openSession(id):
                let next: Session
                session.close()
                if let id {
                    next = try Session.open(id: id, in: services.store, worker: services.worker, options: services.sessionOptions)
                } else {
                    next = try Session.create(in: services.store, worker: services.worker, options: services.sessionOptions)
                }
                session = next
                dispatch(.sessionOpened(snapshot()))
            case let .deleteSession(id):
                guard id != session.id else {
                    dispatch(.message(StatusMessage("session \(TerminalText.line(id)) is open; not deleted", isError: true)))
                    return
                }
                try services.store.removeSession(id)
                dispatch(.sessionDeleted(id))
            case let .listPicker(kind):
                let items: [String]
                switch kind {
                case .presets: items = services.presets.presets.map(\.name)
                case .themes: items = services.themes.themes.map(\.name)
                case .sessions: items = [PickerLabels.newSession] + services.store.sessionIDs().reversed()
                }
                dispatch(.pickerItems(items))
            case .quit:
                state.isQuitting = true
            }
        } catch {
            fail(error)
            if case .openSession = effect, session.isClosed {
                // The other session could not be opened: reopen this one so the studio keeps working.
                if let again = try? Session.open(id: session.id, in: services.store, worker: services.worker,
                                                 options: services.sessionOptions) {
                    session = again
                    dispatch(.sessionOpened(snapshot()))
                }
            }
        }
    }
}
