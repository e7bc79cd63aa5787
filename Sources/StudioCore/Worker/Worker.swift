import Foundation

/// The one background thread that owns the engine. It builds the engine on its own thread, loads a
/// model once and keeps it (reloading only when a job names another model), runs the jobs it is
/// given one at a time, writes their images with metadata, and reports everything through `inbox`.
///
/// The worker does not decide what runs next: its owner (a `Session`) hands it one job at a time
/// and learns the outcome from the inbox. Cancelling takes effect at the next step boundary.
public final class Worker: Sendable {
    /// What the engine can run (known before the engine is built).
    public let capabilities: EngineCapabilities
    /// Where the worker's events arrive.
    public let inbox: EventInbox
    private let core: WorkerCore

    /// Starts the worker thread. The engine itself is built on that thread, when first needed.
    public init(engine: EngineFactory, previews: PreviewPolicy = .whenDrained, inbox: EventInbox = EventInbox(),
                clock: @escaping @Sendable () -> Double = Worker.monotonicSeconds) {
        capabilities = engine.capabilities
        self.inbox = inbox
        let core = WorkerCore(factory: engine, inbox: inbox, previews: previews, clock: clock)
        self.core = core
        let thread = Thread { core.run() }
        thread.name = "dit-studio worker"
        thread.stackSize = 16 << 20
        thread.start()
    }

    deinit {
        core.requestShutdown()
    }

    /// Queues `order` for the thread; it starts as soon as the current job (if any) ends.
    public func submit(_ order: WorkOrder) {
        core.enqueue(.run(order))
    }

    /// Loads `model` (nil = default) ahead of any job, so the studio can show its name at once.
    public func preload(model: String?) {
        core.enqueue(.load(model))
    }

    /// Stops `job` at its next step boundary (or before it starts); the inbox then reports `cancelled`.
    public func cancel(_ job: JobID) {
        core.cancel(job)
    }

    /// Whether a job or a load is running or waiting.
    public var isBusy: Bool { core.isBusy }

    /// How the next jobs' step previews are decoded (the studio's setting; taken when a job starts).
    public var previewChoice: PreviewChoice {
        get { core.previewChoice }
        set { core.previewChoice = newValue }
    }

    /// Cancels what is running, ends the thread and waits for it (at most `timeout` seconds).
    /// Returns false if the thread had not ended by then.
    @discardableResult
    public func shutdown(timeout: Double = 60) -> Bool {
        core.requestShutdown()
        return core.waitUntilStopped(timeout: timeout)
    }

    /// Seconds on a monotonic clock (for it/s and ETA).
    @Sendable public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}

/// The worker's state shared between its thread and the callers' thread.
/// Thread safety: every stored `var` is read and written only while holding `condition`'s lock,
/// hence `@unchecked Sendable`; the engine never leaves the worker thread (it is a local of `run`).
final class WorkerCore: @unchecked Sendable {
    enum Command {
        case run(WorkOrder)
        case load(String?)
    }

    private let condition = NSCondition()
    private var commands: [Command] = []
    private var cancelled: Set<JobID> = []
    private var current: JobID?
    private var loading = false
    private var shuttingDown = false
    private var stopped = false
    private var storedPreviewChoice = PreviewChoice.auto

    private let factory: EngineFactory
    private let inbox: EventInbox
    private let previews: PreviewPolicy
    private let clock: @Sendable () -> Double

    init(factory: EngineFactory, inbox: EventInbox, previews: PreviewPolicy, clock: @escaping @Sendable () -> Double) {
        self.factory = factory
        self.inbox = inbox
        self.previews = previews
        self.clock = clock
    }

    // MARK: - Called from any thread

    func enqueue(_ command: Command) {
        condition.lock()
        commands.append(command)
        condition.broadcast()
        condition.unlock()
    }

    func cancel(_ job: JobID) {
        condition.lock()
        cancelled.insert(job)
        condition.unlock()
    }

    var previewChoice: PreviewChoice {
        get {
            condition.lock()
            defer { condition.unlock() }
            return storedPreviewChoice
        }
        set {
            condition.lock()
            storedPreviewChoice = newValue
            condition.unlock()
        }
    }

    var isBusy: Bool {
        condition.lock()
        defer { condition.unlock() }
        return current != nil || loading || !commands.isEmpty
    }

    func requestShutdown() {
        condition.lock()
        shuttingDown = true
        if let current { cancelled.insert(current) }
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilStopped(timeout: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !stopped {
            if !condition.wait(until: deadline) { return stopped }
        }
        return true
    }

    private func isCancelled(_ job: JobID) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled.contains(job)
    }

    /// Blocks until there is a command; nil when shutting down.
    private func nextCommand() -> Command? {
        condition.lock()
        defer { condition.unlock() }
        while commands.isEmpty && !shuttingDown { condition.wait() }
        guard !shuttingDown else { return nil }
        let command = commands.removeFirst()
        switch command {
        case let .run(order): current = order.job.id
        case .load: loading = true
        }
        return command
    }

    private func commandDone() {
        condition.lock()
        if let current { cancelled.remove(current) }
        current = nil
        loading = false
        condition.broadcast()
        condition.unlock()
    }

    // MARK: - The worker thread

    /// What the thread holds between jobs.
    private struct EngineState {
        var engine: (any GenerationEngine)?
        /// The model asked for (nil = default) and what the engine said about it.
        var loaded: (request: String?, model: ModelDescription)?
    }

    func run() {
        var state = EngineState()
        while let command = nextCommand() {
            switch command {
            case let .run(order): process(order, state: &state)
            case let .load(model): preload(model, state: &state)
            }
            commandDone()
        }
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func preload(_ model: String?, state: inout EngineState) {
        do {
            _ = try ensureModel(model, job: nil, state: &state)
        } catch {
            inbox.post(.modelFailed(model: model, message: error.localizedDescription))
        }
    }

    /// The engine with `model` loaded, loading it when another one (or none) is loaded.
    private func ensureModel(_ model: String?, job: JobID?, state: inout EngineState) throws -> (any GenerationEngine, ModelDescription) {
        let engine: any GenerationEngine
        if let existing = state.engine {
            engine = existing
        } else {
            do {
                engine = try factory.make()
            } catch {
                throw WorkerFailure("cannot start the engine: \(Self.message(for: error))")
            }
            state.engine = engine
        }
        if let loaded = state.loaded, loaded.request == model { return (engine, loaded.model) }
        inbox.post(.modelLoading(job: job, model: model))
        let start = clock()
        state.loaded = nil
        do {
            let description = try engine.loadModel(at: model)
            state.loaded = (model, description)
            inbox.post(.modelLoaded(job: job, model: description, seconds: clock() - start))
            return (engine, description)
        } catch {
            throw WorkerFailure("cannot load the model \(model ?? "(default)"): \(Self.message(for: error))")
        }
    }

    private func process(_ order: WorkOrder, state: inout EngineState) {
        let job = order.job
        let id = job.id
        func fail(_ message: String) { inbox.post(.failed(job: id, message: message)) }

        if isCancelled(id) { inbox.post(.cancelled(job: id, completedSteps: 0)); return }
        if let refusal = factory.capabilities.refusal(for: job.kind) { fail(refusal); return }
        if let refusal = factory.capabilities.refusal(forCaching: job.parameters.caching) { fail(refusal); return }

        let engine: any GenerationEngine
        let model: ModelDescription
        do {
            (engine, model) = try ensureModel(job.parameters.model, job: id, state: &state)
            try job.parameters.validate(for: model)
        } catch {
            fail(Self.message(for: error))
            return
        }
        if isCancelled(id) { inbox.post(.cancelled(job: id, completedSteps: 0)); return }

        var engineJob: EngineJob
        do {
            engineJob = try EngineJob(job, sessionDirectory: order.outputURL.deletingLastPathComponent())
            engineJob.previews = previewChoice
        } catch {
            fail(Self.message(for: error))
            return
        }

        inbox.post(.started(job: id, model: model))
        let start = clock()
        var timer = StepTimer(start: start)
        var completed = 0
        let result: EngineResult
        do {
            result = try engine.generate(engineJob) { step, decodePreview in
                completed = step.index
                var preview: RGBImage?
                if wantsPreview(for: id) { preview = try? decodePreview() }
                inbox.post(.step(job: id, progress: timer.progress(step: step.index, total: step.total, now: clock()),
                                 preview: preview))
                return isCancelled(id) ? .stop : .continue
            }
        } catch {
            fail(Self.message(for: error))
            return
        }

        switch result {
        case let .stopped(steps):
            inbox.post(.cancelled(job: id, completedSteps: steps))
        case let .finished(image):
            // A cancel that arrived during the last step is honoured: the user asked for no image.
            if isCancelled(id) { inbox.post(.cancelled(job: id, completedSteps: completed)); return }
            do {
                let provenance = ImageProvenance(session: order.sessionID, job: job, model: model, createdAt: .now())
                try PNGFile.write(image, textChunks: try ImageMetadata.textChunks(for: provenance), to: order.outputURL)
            } catch {
                fail("cannot save the image: \(Self.message(for: error)) (the job can be re-run once the folder is writable)")
                return
            }
            inbox.post(.finished(job: id, output: order.outputURL, seconds: clock() - start))
        }
    }

    private func wantsPreview(for job: JobID) -> Bool {
        switch previews {
        case .everyStep: return true
        case .never: return false
        case .whenDrained: return !inbox.hasUndrainedPreview(for: job)
        }
    }

    /// An error as a user should read it.
    static func message(for error: Error) -> String {
        if let error = error as? LocalizedError, let description = error.errorDescription { return description }
        return String(describing: error)
    }
}

/// A worker-side failure with its finished message.
struct WorkerFailure: Error, LocalizedError, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
    var errorDescription: String? { description }
}
