import DiTEngine
import Foundation

/// A working session: its queue and history, its journal and images on disk, and the worker that
/// runs its jobs. This is what the TUI drives and what headless runs use.
///
/// Threading: a `Session` belongs to one thread (the UI's, or a headless run's); it is not
/// `Sendable`. The worker runs jobs on its own thread and reports through its inbox; `pump()`
/// takes those reports in, records them, and hands the next job to the worker. Call it whenever
/// the inbox wakes you (or every few dozen milliseconds).
///
/// Persistence: every change is journaled (and flushed) before it is made, so reopening after a
/// crash at any moment restores the queue and history: finished images are all there, the job that
/// was running is queued again at the front (or recorded as done if its image had been written),
/// queued jobs keep their order.
public final class Session {
    public let id: String
    public let directory: URL
    /// Where images are written (the session directory unless created with another).
    public let imageDirectory: URL
    public let worker: Worker
    /// The queue and history, as of the last command or `pump()`.
    public private(set) var queue: JobQueue
    /// The model the worker has loaded, once it says so.
    public private(set) var model: ModelDescription?
    /// Progress and latest preview of the running job.
    public private(set) var progress: StepProgress?
    public private(set) var preview: RGBImage?
    /// What was found wrong or repaired when the session was opened (torn journal line, job requeued…).
    public private(set) var openingNotes: [String]
    public private(set) var isClosed = false

    private let journal: SessionJournal
    private let options: SessionOptions
    private var generator: any RandomNumberGenerator
    /// The job handed to the worker whose outcome has not been recorded yet.
    private var dispatched: JobID?
    /// The model request (nil = default) that `model` answers, and the one being loaded.
    private var loadedModelRequest: String??
    private var loadingModelRequest: String??
    /// Why no job starts although the queue may start one: the journal could not record the
    /// start (a full disk, a file-size limit). Nothing will start, and nothing is retried (or
    /// complained about on every pump), until the next change is journaled; a headless run stops
    /// with this message, the studio shows it and keeps running.
    public private(set) var stalledReason: String?
    /// Tests: called by `close()` after it asked the worker to stop and before it waits.
    var willWaitForWorkerOnClose: (() -> Void)?

    public var capabilities: EngineCapabilities { worker.capabilities }
    public var journalURL: URL { journal.url }

    private init(id: String, directory: URL, imageDirectory: URL, worker: Worker, journal: SessionJournal,
                 queue: JobQueue, options: SessionOptions, notes: [String]) {
        self.id = id
        self.directory = directory
        self.imageDirectory = imageDirectory
        self.worker = worker
        self.journal = journal
        self.queue = queue
        self.options = options
        self.openingNotes = notes
        if let seed = options.randomSeed {
            generator = SeededGenerator(seed: seed)
        } else {
            generator = SystemRandomNumberGenerator()
        }
    }

    deinit {
        // Without close(), this is what a crash leaves: the journal as it is. Only the lock goes.
        journal.close()
    }

    // MARK: - Creating and opening

    /// Creates a new session in `store` (named after today's date) and makes it the last session.
    /// `worker` must be idle and not used by another open session.
    public static func create(in store: SessionStore, worker: Worker, options: SessionOptions = SessionOptions()) throws -> Session {
        let now = options.clock()
        let id = try store.createSessionDirectory(date: now.date)
        let directory = store.directory(for: id)
        let journalURL = directory.appendingPathComponent(SessionStore.journalFileName)
        let journal: SessionJournal
        do {
            journal = try SessionJournal(url: journalURL, create: true, operations: options.fileOperations)
            let header = SessionHeader(id: id, createdAt: now, imageDirectory: options.imageDirectory?.standardizedFileURL.path)
            try journal.append([.header(header), .opened(at: now, software: Self.software)])
        } catch {
            // A session that could not be started leaves no folder behind (both were made here).
            unlink(journalURL.path)
            rmdir(directory.path)
            throw error
        }
        try? store.setLastSession(id)
        let session = Session(id: id, directory: directory, imageDirectory: options.imageDirectory ?? directory,
                              worker: worker, journal: journal, queue: JobQueue(), options: options, notes: [])
        session.start()
        return session
    }

    /// Opens session `id` of `store`, replaying its journal (see the type's notes on crashes).
    public static func open(id: String, in store: SessionStore, worker: Worker, options: SessionOptions = SessionOptions()) throws -> Session {
        try store.checkID(id)
        let directory = store.directory(for: id)
        let journalURL = directory.appendingPathComponent(SessionStore.journalFileName)
        guard FileManager.default.fileExists(atPath: journalURL.path) else {
            if FileManager.default.fileExists(atPath: directory.path) { throw SessionError.notASession(path: directory.path) }
            throw SessionError.unknownSession(id: id, root: store.root.path)
        }
        // Lock first, then read: nobody can append between the two.
        let journal = try SessionJournal(url: journalURL, create: false, operations: options.fileOperations)
        let contents = try SessionJournal.read(journalURL)
        if contents.appendOffset < contents.length { try journal.truncate(to: contents.appendOffset) }

        let replay = SessionReplay(contents, journalURL: journalURL)
        let imageDirectory = replay.imageDirectory(sessionDirectory: directory)
        try journal.append([.opened(at: options.clock(), software: Self.software)], prefixNewline: contents.needsNewline)

        let session = Session(id: id, directory: directory, imageDirectory: imageDirectory, worker: worker,
                              journal: journal, queue: replay.queue, options: options, notes: replay.notes)
        try session.recoverInterruptedJob()
        session.removeStaleTemporaryFiles()
        try? store.setLastSession(id)
        session.start()
        return session
    }

    /// Opens the last session of `store`, or nil when there is none.
    public static func openLast(in store: SessionStore, worker: Worker, options: SessionOptions = SessionOptions()) throws -> Session? {
        guard let id = store.lastSessionID else { return nil }
        return try open(id: id, in: store, worker: worker, options: options)
    }

    static let software = "dit-studio"

    private func start() {
        _ = worker.inbox.drain()  // reports left over from an earlier session are not ours
        try? FileManager.default.createDirectory(at: imageDirectory, withIntermediateDirectories: true)
        if options.preloadModel { worker.preload(model: nil) }
        dispatchIfPossible()
    }

    /// The job that was running when the studio stopped: done if its image was fully written
    /// (images are written atomically, so a file there is whole), cancelled if the user had asked
    /// for that, otherwise queued again at the front.
    private func recoverInterruptedJob() throws {
        guard let id = queue.running, let job = queue[id] else { return }
        let event: QueueEvent
        // A whole image on disk wins over a late cancel request: it must not drop out of the history.
        if let output = job.output, imageBelongs(url(forOutput: output), to: id) {
            event = .finished(id, output: output, at: options.clock(), seconds: nil)
            openingNotes.append("job \(id) had written \(output) just before the studio stopped; it is done")
        } else if job.cancelRequested {
            event = .cancelled([id], at: options.clock())
            openingNotes.append("job \(id) was being cancelled when the studio stopped; it is cancelled")
        } else {
            event = .interrupted(id)
            openingNotes.append("job \(id) was running when the studio stopped; it is queued again at the front")
        }
        _ = try commit { queue in
            try queue.apply(event)
            return [event]
        }
    }

    /// Whether the PNG at `url` is this session's image of job `id` (by its metadata).
    private func imageBelongs(_ url: URL, to id: JobID) -> Bool {
        guard FileManager.default.fileExists(atPath: url.path),
              let metadata = try? ImageMetadata(contentsOf: url),
              let provenance = metadata.provenance else { return false }
        return provenance.session == self.id && provenance.job == id
    }

    /// Temporary files of image writes cut short by a crash (`.0003-1234.png.<pid>-<n>.tmp`).
    private func removeStaleTemporaryFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: imageDirectory.path)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") && name.contains(".png.") {
            // unlink(2) removes a file and never a folder, whatever its name.
            unlink(imageDirectory.appendingPathComponent(name).path)
        }
    }

    // MARK: - Commands

    /// Checks `request` and queues its job(s) — `count` of them over seeds chosen by its policy —
    /// at the back or the front. Returns the new jobs' ids. Throws `JobError` for a job this
    /// engine cannot run or parameters out of range, `QueueError`, or `SessionError` when the
    /// journal cannot be written; then nothing changed.
    @discardableResult
    public func enqueue(_ request: JobRequest, atFront: Bool = false) throws -> [JobID] {
        try validate(request)
        let now = options.clock()
        let events = try commit { queue in
            try queue.enqueue(request, atFront: atFront, now: now, using: &generator)
        }
        dispatchIfPossible()
        return events.compactMap { event in
            if case let .enqueued(job, _) = event { return job.id }
            return nil
        }
    }

    /// Queues a finished job again: a new job with the same parameters, seed included.
    @discardableResult
    public func rerun(_ id: JobID, atFront: Bool = false) throws -> JobID {
        if let job = queue[id], job.state.isFinished {
            try validate(JobRequest(kind: job.kind, parameters: job.parameters))
        }
        let now = options.clock()
        let events = try commit { try $0.rerun(id, atFront: atFront, now: now) }
        dispatchIfPossible()
        guard case let .enqueued(job, _)? = events.first else { throw QueueError.unknownJob(id) }
        return job.id
    }

    public func move(_ id: JobID, by offset: Int) throws {
        _ = try commit { try $0.move(id, by: offset) }
    }

    public func moveUp(_ id: JobID) throws { try move(id, by: -1) }
    public func moveDown(_ id: JobID) throws { try move(id, by: 1) }

    /// Cancels a queued job at once, or asks the running job to stop at its next step boundary
    /// (`queue[id].cancelRequested` is true meanwhile: show "cancelling…").
    public func cancel(_ id: JobID) throws {
        _ = try commit { try $0.cancel(id, now: options.clock()) }
        if queue[id]?.state == .running { worker.cancel(id) }
        dispatchIfPossible()
    }

    /// Cancels every queued job; the running one goes on.
    public func cancelAllQueued() throws {
        _ = try commit { try $0.cancelAllQueued(now: options.clock()) }
    }

    /// No new job starts until `resume()`; the running one finishes.
    public func pause() throws {
        _ = try commit { try $0.pause() }
    }

    public func resume() throws {
        _ = try commit { try $0.resume() }
        dispatchIfPossible()
    }

    /// Pause once the running job ends (`false` takes the request back).
    public func stopAfterCurrent(_ on: Bool = true) throws {
        _ = try commit { try $0.stopAfterCurrent(on) }
    }

    /// Checks that this engine can run `request` and that its parameters are in range (with the
    /// loaded model's size rules when the request uses that model). Throws `JobError`.
    public func validate(_ request: JobRequest) throws {
        if let refusal = capabilities.refusal(for: request.kind) { throw JobError.unsupported(refusal) }
        if let refusal = capabilities.refusal(forCaching: request.parameters.caching) { throw JobError.unsupported(refusal) }
        let knownModel = loadedModelRequest.map { $0 == request.parameters.model } == true ? model : nil
        try request.parameters.validate(for: knownModel)
        switch request.kind {
        case .generate:
            break
        case let .regional(layout):
            try layout.validate()
        case let .edit(operation):
            let source = url(forOutput: operation.source.path)
            guard FileManager.default.fileExists(atPath: source.path) else {
                throw JobError.missingSource(path: operation.source.path, reason: "no such file")
            }
            switch operation {
            case let .img2img(_, strength), let .variation(_, strength):
                guard strength.isFinite, strength > 0, strength <= 1 else {
                    throw JobError.invalidParameter(key: "strength", reason: "must be in (0, 1] (got \(strength))")
                }
            case let .inpaint(_, boxes, mask, strength, feather):
                guard !boxes.isEmpty || mask != nil else {
                    throw JobError.invalidParameter(key: "box", reason: "inpainting needs at least one box or a mask")
                }
                guard strength.isFinite, strength > 0, strength <= 1 else {
                    throw JobError.invalidParameter(key: "strength", reason: "must be in (0, 1] (got \(strength))")
                }
                guard (0...64).contains(feather) else {
                    throw JobError.invalidParameter(key: "feather", reason: "must be 0 to 64 pixels (got \(feather))")
                }
                for box in boxes {
                    do { try box.validate() } catch let JobError.invalidLayout(reason) {
                        throw JobError.invalidParameter(key: "box", reason: reason)
                    }
                }
            case let .inject(_, sourcePrompt, targetPrompt):
                guard !sourcePrompt.isEmpty, !targetPrompt.isEmpty else {
                    throw JobError.invalidParameter(key: "prompt", reason: "an injection edit needs a source and a target prompt")
                }
            }
        }
    }

    // MARK: - Taking in the worker's reports

    /// Takes in everything the worker reported since the last call: records outcomes in the
    /// journal and the queue, keeps the running job's progress and preview, and starts the next
    /// job when the queue may. Returns the events (for the UI) and any problems.
    @discardableResult
    public func pump() -> SessionUpdate {
        var update = SessionUpdate()
        guard !isClosed else { return update }
        for event in worker.inbox.drain() {
            update.events.append(event)
            if let problem = handle(event) { update.problems.append(problem) }
        }
        update.problems += dispatchIfPossible()
        return update
    }

    /// Waits until the worker reports something or `timeout` seconds pass.
    @discardableResult
    public func waitForEvents(timeout: Double) -> Bool {
        worker.inbox.wait(timeout: timeout)
    }

    /// Whether nothing runs and nothing will start (an empty or paused queue, or a stalled one:
    /// see `stalledReason`).
    public var isIdle: Bool {
        dispatched == nil && queue.running == nil && (!queue.canStartNext || stalledReason != nil)
    }

    /// Pumps until the session is idle or `timeout` seconds pass (a safety net, not a pace);
    /// `onUpdate` sees every update. Returns whether it became idle with nothing stalled. For
    /// headless runs and tests.
    @discardableResult
    public func runUntilIdle(timeout: Double = .infinity, onUpdate: (SessionUpdate) -> Void = { _ in }) -> Bool {
        run(until: nil, timeout: timeout, onUpdate: onUpdate) == .finished
    }

    /// Pumps until the jobs in `jobs` are finished (nil: until nothing runs and nothing will
    /// start), or until waiting longer would be waiting for something that cannot come: the queue
    /// is paused, or stalled (`stalledReason`). `stop` is asked between pumps (an interrupt);
    /// `timeout` is a safety net. `onUpdate` sees every update. The outcome says which.
    public func run(until jobs: Set<JobID>?, timeout: Double = .infinity, stop: StopRequest = .never,
                    onUpdate: (SessionUpdate) -> Void = { _ in }) -> SessionRunOutcome {
        let deadline = Date(timeIntervalSinceNow: min(timeout, 1e9))
        while true {
            let update = pump()
            if !update.isEmpty { onUpdate(update) }
            if let jobs {
                if jobs.allSatisfy({ queue[$0]?.state.isFinished ?? true }) { return .finished }
            } else if isIdle, stalledReason == nil {
                return .finished
            }
            if isClosed { return .stopped }
            if stop.isRequested { return .stopped }
            if dispatched == nil, queue.running == nil {
                if let stalledReason { return .stalled(stalledReason) }
                if queue.isPaused { return .paused }
            }
            if Date() >= deadline { return .timedOut }
            waitForEvents(timeout: min(0.25, max(0, deadline.timeIntervalSinceNow)))
        }
    }

    private func handle(_ event: WorkerEvent) -> String? {
        switch event {
        case let .modelLoading(_, request):
            loadingModelRequest = .some(request)
        case let .modelLoaded(_, description, _):
            model = description
            loadedModelRequest = loadingModelRequest
            if let notice = description.notices.first { return "model \(description.name): \(notice)" }
        case .modelFailed:
            model = nil
            loadedModelRequest = nil
        case .started:
            break
        case let .step(job, progress, preview):
            guard job == dispatched else { return nil }
            self.progress = progress
            if let preview { self.preview = preview }
        case let .finished(job, url, seconds):
            guard job == dispatched else { return nil }
            dispatched = nil
            return record(.finished(job, output: outputPath(for: url), at: options.clock(), seconds: seconds))
        case let .failed(job, message):
            guard job == dispatched else { return nil }
            dispatched = nil
            return record(.failed(job, message: message, at: options.clock()))
        case let .cancelled(job, _):
            guard job == dispatched else { return nil }
            dispatched = nil
            return record(.cancelled([job], at: options.clock()))
        }
        return nil
    }

    /// Records an outcome the worker reported. The outcome has happened (the image is on disk),
    /// so it is kept in memory even when the journal cannot be written; the problem is returned.
    private func record(_ event: QueueEvent) -> String? {
        var next = queue
        do {
            try next.apply(event)
        } catch {
            return "ignored a report from the worker: \(error)"
        }
        queue = next
        do {
            try journal.append([.queue(event)])
            return nil
        } catch {
            return "\(error) — kept in memory only; reopening the session will check the images on disk"
        }
    }

    /// Hands the next job to the worker when nothing runs and the queue may start one. A job the
    /// engine cannot run (journaled under another engine) fails here with the reason.
    @discardableResult
    private func dispatchIfPossible() -> [String] {
        var problems: [String] = []
        while !isClosed, stalledReason == nil, dispatched == nil, queue.canStartNext, let id = queue.pending.first,
              let job = queue[id] {
            if let refusal = capabilities.refusal(for: job.kind) ?? capabilities.refusal(forCaching: job.parameters.caching) {
                if let problem = record(.failed(id, message: refusal, at: options.clock())) { problems.append(problem) }
                continue
            }
            do {
                let now = options.clock()
                _ = try commit { queue in
                    try queue.startNext(now: now) { self.plannedOutput(for: $0) }.map { [$0] } ?? []
                }
            } catch {
                let reason = "cannot start job \(id): \(error)"
                stalledReason = reason
                problems.append(reason)
                break
            }
            guard let started = queue[id], let output = started.output else { break }
            progress = nil
            preview = nil
            dispatched = id
            worker.submit(WorkOrder(job: started, outputURL: url(forOutput: output), sessionID: self.id))
        }
        return problems
    }

    /// Checks a change on a copy of the queue, journals its events, then keeps the copy: the
    /// queue never holds a change the journal does not.
    private func commit(_ change: (inout JobQueue) throws -> [QueueEvent]) throws -> [QueueEvent] {
        guard !isClosed else { throw SessionError.closed(id: id) }
        var next = queue
        let events = try change(&next)
        guard !events.isEmpty else { return [] }
        try journal.append(events.map(JournalRecord.queue))
        queue = next
        stalledReason = nil
        return events
    }

    // MARK: - Files

    /// `<NNNN>-<seed>.png` in the image directory, or `<NNNN>-<seed>-2.png`, … when a file of that
    /// name exists already (another session writing to the same --out-dir): nothing is overwritten.
    private func plannedOutput(for job: Job) -> String {
        let base = String(job.imageFileName.dropLast(4))
        var name = job.imageFileName
        var counter = 2
        while FileManager.default.fileExists(atPath: imageDirectory.appendingPathComponent(name).path) {
            name = "\(base)-\(counter).png"
            counter += 1
        }
        return outputPath(for: imageDirectory.appendingPathComponent(name))
    }

    /// A path as the journal stores it: relative to the session directory when inside it.
    private func outputPath(for url: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = directory.standardizedFileURL.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    /// The file a stored path names (relative paths are relative to the session directory).
    public func url(forOutput path: String) -> URL {
        SessionReplay.url(forOutput: path, sessionDirectory: directory)
    }

    /// The image of a done job.
    public func imageURL(of id: JobID) -> URL? {
        guard let job = queue[id], job.state == .done, let output = job.output else { return nil }
        return url(forOutput: output)
    }

    // MARK: - Closing

    /// Closes the session. A running job is stopped at its next step boundary and put back at the
    /// front of the queue (or recorded as done if it finished meanwhile), so quitting loses nothing.
    /// The worker stays alive for another session.
    public func close() {
        guard !isClosed else { return }
        if let id = dispatched {
            worker.cancel(id)
            willWaitForWorkerOnClose?()
            let deadline = Date(timeIntervalSinceNow: options.closeTimeout)
            waiting: while Date() < deadline {
                worker.inbox.wait(timeout: 0.1)
                for event in worker.inbox.drain() {
                    switch event {
                    case .finished(id, _, _), .failed(id, _):
                        _ = handle(event)
                        break waiting
                    case .cancelled(id, _):
                        dispatched = nil
                        if queue[id]?.cancelRequested == true {
                            _ = record(.cancelled([id], at: options.clock()))
                        } else {
                            _ = record(.interrupted(id))
                        }
                        break waiting
                    default:
                        continue
                    }
                }
            }
        }
        journal.close()
        isClosed = true
    }

    /// Drops the session as a crash would: the journal is left exactly as it is (tests).
    func abandon() {
        journal.close()
        isClosed = true
    }
}
