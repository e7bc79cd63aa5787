/// The queue and history of a session as a pure value: no threads, no files, no clock of its own.
///
/// Every change is a `QueueEvent`. Commands (`enqueue`, `cancel`, `startNext`, …) check that the
/// change is allowed, apply it and return the events they applied, for the caller to journal;
/// `apply(_:)` replays journaled events. States go queued → running → done | failed | cancelled.
public struct JobQueue: Equatable, Sendable {
    /// Every job of the session, by id.
    public private(set) var jobs: [JobID: Job] = [:]
    /// Queued jobs in the order they will run.
    public private(set) var pending: [JobID] = []
    /// The running job.
    public private(set) var running: JobID?
    /// Finished jobs (done, failed, cancelled) in the order they ended.
    public private(set) var history: [JobID] = []
    /// A paused queue starts no new job (the running one goes on).
    public private(set) var isPaused = false
    /// Pause once the running job ends.
    public private(set) var stopsAfterCurrent = false
    /// The highest job number used so far.
    public private(set) var lastJobNumber = 0

    public init() {}

    // MARK: - Reading

    public subscript(id: JobID) -> Job? { jobs[id] }

    public var pendingJobs: [Job] { pending.compactMap { jobs[$0] } }
    public var historyJobs: [Job] { history.compactMap { jobs[$0] } }
    public var runningJob: Job? { running.flatMap { jobs[$0] } }

    /// Whether `startNext` would start a job now.
    public var canStartNext: Bool { running == nil && !isPaused && !pending.isEmpty }

    /// How many jobs are in each state (for the header: "queued 2 · running 1 · done 7").
    public var counts: [JobState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
        for job in jobs.values { counts[job.state, default: 0] += 1 }
        return counts
    }

    // MARK: - Commands (each returns the events it applied; empty when nothing changed)

    /// Adds `request.count` jobs (a batch when more than one) with seeds chosen by its policy, at
    /// the back or — keeping their order — at the front.
    public mutating func enqueue<Generator: RandomNumberGenerator>(
        _ request: JobRequest, atFront: Bool = false, now: Timestamp, rerunOf: JobID? = nil,
        using generator: inout Generator
    ) throws -> [QueueEvent] {
        guard (1...JobRequest.maximumCount).contains(request.count) else { throw QueueError.invalidCount(request.count) }
        let seeds = request.seedPolicy.seeds(count: request.count, start: request.parameters.seed, using: &generator)
        var events: [QueueEvent] = []
        for (index, seed) in seeds.enumerated() {
            var parameters = request.parameters
            parameters.seed = seed
            let job = Job(id: JobID(lastJobNumber + 1), kind: request.kind, parameters: parameters,
                          seedPolicy: request.seedPolicy, createdAt: now, rerunOf: rerunOf,
                          batch: request.count > 1 ? BatchPosition(index: index + 1, count: request.count) : nil,
                          label: request.label)
            events.append(try applying(.enqueued(job, position: atFront ? index : nil)))
        }
        return events
    }

    /// Queues a finished job again as a new job with the same kind and parameters, seed included.
    public mutating func rerun(_ id: JobID, atFront: Bool = false, now: Timestamp) throws -> [QueueEvent] {
        guard let job = jobs[id] else { throw QueueError.unknownJob(id) }
        guard job.state.isFinished else { throw QueueError.notFinished(id, job.state) }
        var generator = SystemRandomNumberGenerator()  // unused: a fixed policy draws nothing
        return try enqueue(JobRequest(kind: job.kind, parameters: job.parameters, seedPolicy: .fixed, count: 1,
                                      label: job.label),
                           atFront: atFront, now: now, rerunOf: id, using: &generator)
    }

    /// Moves a queued job `offset` places (negative = up, towards the front), stopping at the ends.
    public mutating func move(_ id: JobID, by offset: Int) throws -> [QueueEvent] {
        guard let job = jobs[id] else { throw QueueError.unknownJob(id) }
        guard job.state == .queued, let index = pending.firstIndex(of: id) else { throw QueueError.notQueued(id, job.state) }
        let target = min(max(index + max(-pending.count, min(offset, pending.count)), 0), pending.count - 1)
        guard target != index else { return [] }
        return [try applying(.moved(id, offset: target - index))]
    }

    public mutating func moveUp(_ id: JobID) throws -> [QueueEvent] { try move(id, by: -1) }
    public mutating func moveDown(_ id: JobID) throws -> [QueueEvent] { try move(id, by: 1) }

    /// Cancels a queued job at once; asks a running one to stop at its next step boundary (its
    /// `cancelRequested` is set meanwhile, for "cancelling…").
    public mutating func cancel(_ id: JobID, now: Timestamp) throws -> [QueueEvent] {
        guard let job = jobs[id] else { throw QueueError.unknownJob(id) }
        switch job.state {
        case .queued:
            return [try applying(.cancelled([id], at: now))]
        case .running:
            return job.cancelRequested ? [] : [try applying(.cancelRequested(id))]
        case .done, .failed, .cancelled:
            throw QueueError.alreadyFinished(id, job.state)
        }
    }

    /// Cancels every queued job (not the running one).
    public mutating func cancelAllQueued(now: Timestamp) throws -> [QueueEvent] {
        guard !pending.isEmpty else { return [] }
        return [try applying(.cancelled(pending, at: now))]
    }

    public mutating func pause() throws -> [QueueEvent] {
        isPaused ? [] : [try applying(.paused)]
    }

    /// Resumes a paused queue (and forgets a pending "stop after current").
    public mutating func resume() throws -> [QueueEvent] {
        var events: [QueueEvent] = []
        if stopsAfterCurrent { events.append(try applying(.stopAfterCurrent(false))) }
        if isPaused { events.append(try applying(.resumed)) }
        return events
    }

    /// Pauses the queue once the running job ends (at once if nothing runs).
    public mutating func stopAfterCurrent(_ on: Bool = true) throws -> [QueueEvent] {
        if on && running == nil { return try pause() }
        return stopsAfterCurrent == on ? [] : [try applying(.stopAfterCurrent(on))]
    }

    /// Starts the first queued job if the queue may: not paused, nothing running. `outputPath`
    /// names the image the job will write.
    public mutating func startNext(now: Timestamp, outputPath: (Job) -> String) throws -> QueueEvent? {
        guard canStartNext, let id = pending.first, let job = jobs[id] else { return nil }
        return try applying(.started(id, output: outputPath(job), at: now))
    }

    // MARK: - Applying events

    private mutating func applying(_ event: QueueEvent) throws -> QueueEvent {
        try apply(event)
        return event
    }

    /// Applies one event; throws `QueueError` (and changes nothing) when it does not fit the
    /// current state, e.g. a journal line about a job that is not there.
    /// The largest job number a session accepts (a journal line with a larger one is refused).
    public static let maximumJobNumber = Int(Int32.max)

    public mutating func apply(_ event: QueueEvent) throws {
        // Each case checks everything before it changes anything, so a refused event leaves the
        // queue as it was (without copying the whole queue for every event of a long replay).
        switch event {
        case let .enqueued(job, position):
            guard jobs[job.id] == nil else { throw QueueError.duplicateJob(job.id) }
            // A journal edited by hand could name any number; keep room to count on from it.
            guard (1...Self.maximumJobNumber).contains(job.id.number) else { throw QueueError.jobNumberOutOfRange(job.id) }
            var queued = job
            queued.state = .queued
            jobs[job.id] = queued
            pending.insert(job.id, at: min(max(position ?? pending.count, 0), pending.count))
            lastJobNumber = max(lastJobNumber, job.id.number)

        case let .moved(id, offset):
            let job = try existing(id)
            guard job.state == .queued, let index = pending.firstIndex(of: id) else { throw QueueError.notQueued(id, job.state) }
            pending.remove(at: index)
            pending.insert(id, at: min(max(index + max(-pending.count, min(offset, pending.count)), 0), pending.count))

        case let .cancelRequested(id):
            let job = try existing(id)
            guard job.state == .running else { throw QueueError.notRunning(id) }
            jobs[id]?.cancelRequested = true

        case let .cancelled(ids, at):
            var seen = Set<JobID>()
            for id in ids {
                guard seen.insert(id).inserted else { throw QueueError.duplicateJob(id) }
                let job = try existing(id)
                if job.state.isFinished { throw QueueError.alreadyFinished(id, job.state) }
            }
            for id in ids {
                let job = try existing(id)
                switch job.state {
                case .queued:
                    pending.removeAll { $0 == id }
                case .running:
                    running = nil
                    endRunning()
                case .done, .failed, .cancelled:
                    throw QueueError.alreadyFinished(id, job.state)
                }
                jobs[id]?.state = .cancelled
                jobs[id]?.finishedAt = at
                jobs[id]?.output = nil
                history.append(id)
            }

        case .paused:
            isPaused = true
        case .resumed:
            isPaused = false
        case let .stopAfterCurrent(on):
            stopsAfterCurrent = on

        case let .started(id, output, at):
            let job = try existing(id)
            guard job.state == .queued else { throw QueueError.notQueued(id, job.state) }
            if let running { throw QueueError.busy(running: running) }
            pending.removeAll { $0 == id }
            running = id
            jobs[id]?.state = .running
            jobs[id]?.startedAt = at
            jobs[id]?.output = output
            jobs[id]?.cancelRequested = false

        case let .finished(id, output, at, _):
            guard running == id else { throw QueueError.notRunning(id) }
            running = nil
            jobs[id]?.state = .done
            jobs[id]?.finishedAt = at
            jobs[id]?.output = output
            history.append(id)
            endRunning()

        case let .failed(id, message, at):
            let job = try existing(id)
            switch job.state {
            case .running:
                running = nil
                endRunning()
            case .queued:
                pending.removeAll { $0 == id }
            case .done, .failed, .cancelled:
                throw QueueError.alreadyFinished(id, job.state)
            }
            jobs[id]?.state = .failed
            jobs[id]?.error = message
            jobs[id]?.finishedAt = at
            jobs[id]?.output = nil
            history.append(id)

        case let .interrupted(id):
            guard running == id else { throw QueueError.notRunning(id) }
            running = nil
            jobs[id]?.state = .queued
            jobs[id]?.startedAt = nil
            jobs[id]?.output = nil
            jobs[id]?.cancelRequested = false
            pending.insert(id, at: 0)
        }
    }

    /// When the running job ends, a pending "stop after current" pauses the queue.
    private mutating func endRunning() {
        if stopsAfterCurrent {
            stopsAfterCurrent = false
            isPaused = true
        }
    }

    private func existing(_ id: JobID) throws -> Job {
        guard let job = jobs[id] else { throw QueueError.unknownJob(id) }
        return job
    }
}
