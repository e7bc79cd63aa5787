import Foundation

/// Choices made when a session is created or opened.
public struct SessionOptions: Sendable {
    /// Where images go, when not in the session directory (creation only; recorded in the journal).
    public var imageDirectory: URL?
    /// The time stamped on jobs and journal lines (tests pass a fixed clock).
    public var clock: @Sendable () -> Timestamp
    /// Seeds for random seed policies; nil = the system's random generator.
    public var randomSeed: UInt64?
    /// Ask the worker to load the default model at once (so the studio can show its name).
    public var preloadModel: Bool
    /// How long `close()` waits for a running job to stop at a step boundary.
    public var closeTimeout: Double
    /// The system calls behind the journal (tests record them, or make them fail).
    public var fileOperations: any FileOperations

    public init(imageDirectory: URL? = nil, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
                randomSeed: UInt64? = nil, preloadModel: Bool = false, closeTimeout: Double = 120,
                fileOperations: any FileOperations = SystemFileOperations()) {
        self.imageDirectory = imageDirectory
        self.clock = clock
        self.randomSeed = randomSeed
        self.preloadModel = preloadModel
        self.closeTimeout = closeTimeout
        self.fileOperations = fileOperations
    }
}

/// What one `Session.pump()` brought: the worker's events, in order (for previews and progress),
/// and problems to show the user (a journal that could not be written, a stale report ignored).
public struct SessionUpdate: Equatable, Sendable {
    public var events: [WorkerEvent] = []
    public var problems: [String] = []

    public init(events: [WorkerEvent] = [], problems: [String] = []) {
        self.events = events
        self.problems = problems
    }

    public var isEmpty: Bool { events.isEmpty && problems.isEmpty }
}

/// Why `Session.run(until:…)` returned.
public enum SessionRunOutcome: Equatable, Sendable {
    /// The jobs waited for are finished (or, waiting for the whole queue, nothing is left to run).
    case finished
    /// `stop` was requested (an interrupt), or the session was closed.
    case stopped
    /// The queue is paused with jobs still to run.
    case paused
    /// No job can start: the journal cannot record one (the message says why and what to do).
    case stalled(String)
    /// The safety-net timeout passed.
    case timedOut
}
