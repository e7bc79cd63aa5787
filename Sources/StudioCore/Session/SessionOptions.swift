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

    public init(imageDirectory: URL? = nil, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
                randomSeed: UInt64? = nil, preloadModel: Bool = false, closeTimeout: Double = 120) {
        self.imageDirectory = imageDirectory
        self.clock = clock
        self.randomSeed = randomSeed
        self.preloadModel = preloadModel
        self.closeTimeout = closeTimeout
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
