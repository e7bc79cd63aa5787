/// One change to a queue. Commands on `JobQueue` produce these, the session journal stores them one
/// per line, and replaying them in order rebuilds the queue exactly: the journal *is* the queue's
/// history, so the two cannot disagree.
public enum QueueEvent: Codable, Equatable, Sendable {
    /// A new job, at `position` in the waiting line (nil = at the back).
    case enqueued(Job, position: Int?)
    /// A queued job moved `offset` places (negative = towards the front).
    case moved(JobID, offset: Int)
    /// The user asked to cancel a running job; it stops at the next step boundary.
    case cancelRequested(JobID)
    /// Jobs cancelled: queued ones at once, a running one once it stopped.
    case cancelled([JobID], at: Timestamp)
    case paused
    case resumed
    /// Pause the queue when the running job ends (true) or not (false).
    case stopAfterCurrent(Bool)
    /// A job began running; `output` is the image path it will write.
    case started(JobID, output: String, at: Timestamp)
    /// A job's image was written to `output`.
    case finished(JobID, output: String, at: Timestamp, seconds: Double?)
    case failed(JobID, message: String, at: Timestamp)
    /// A job that was running when the studio stopped (a crash) goes back to the front.
    case interrupted(JobID)

    enum CodingKeys: String, CodingKey {
        case type, job, jobs, position, offset, at, output, seconds, message, on
    }

    enum Name: String, Codable {
        case enqueued, moved, cancelRequested = "cancel_requested", cancelled, paused, resumed
        case stopAfterCurrent = "stop_after_current", started, finished, failed, interrupted
    }

    var name: Name {
        switch self {
        case .enqueued: return .enqueued
        case .moved: return .moved
        case .cancelRequested: return .cancelRequested
        case .cancelled: return .cancelled
        case .paused: return .paused
        case .resumed: return .resumed
        case .stopAfterCurrent: return .stopAfterCurrent
        case .started: return .started
        case .finished: return .finished
        case .failed: return .failed
        case .interrupted: return .interrupted
        }
    }

    /// The `type` values this enum reads (for telling queue lines from other journal lines).
    public static func isQueueEventType(_ type: String) -> Bool { Name(rawValue: type) != nil }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(Name.self, forKey: .type) {
        case .enqueued:
            self = .enqueued(try c.decode(Job.self, forKey: .job), position: try c.decodeIfPresent(Int.self, forKey: .position))
        case .moved:
            self = .moved(try c.decode(JobID.self, forKey: .job), offset: try c.decode(Int.self, forKey: .offset))
        case .cancelRequested:
            self = .cancelRequested(try c.decode(JobID.self, forKey: .job))
        case .cancelled:
            self = .cancelled(try c.decode([JobID].self, forKey: .jobs), at: try c.decode(Timestamp.self, forKey: .at))
        case .paused:
            self = .paused
        case .resumed:
            self = .resumed
        case .stopAfterCurrent:
            self = .stopAfterCurrent(try c.decode(Bool.self, forKey: .on))
        case .started:
            self = .started(try c.decode(JobID.self, forKey: .job), output: try c.decode(String.self, forKey: .output),
                            at: try c.decode(Timestamp.self, forKey: .at))
        case .finished:
            self = .finished(try c.decode(JobID.self, forKey: .job), output: try c.decode(String.self, forKey: .output),
                             at: try c.decode(Timestamp.self, forKey: .at),
                             seconds: try c.decodeIfPresent(Double.self, forKey: .seconds))
        case .failed:
            self = .failed(try c.decode(JobID.self, forKey: .job), message: try c.decode(String.self, forKey: .message),
                           at: try c.decode(Timestamp.self, forKey: .at))
        case .interrupted:
            self = .interrupted(try c.decode(JobID.self, forKey: .job))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .type)
        switch self {
        case let .enqueued(job, position):
            try c.encode(job, forKey: .job)
            try c.encodeIfPresent(position, forKey: .position)
        case let .moved(id, offset):
            try c.encode(id, forKey: .job)
            try c.encode(offset, forKey: .offset)
        case let .cancelRequested(id), let .interrupted(id):
            try c.encode(id, forKey: .job)
        case let .cancelled(ids, at):
            try c.encode(ids, forKey: .jobs)
            try c.encode(at, forKey: .at)
        case .paused, .resumed:
            break
        case let .stopAfterCurrent(on):
            try c.encode(on, forKey: .on)
        case let .started(id, output, at):
            try c.encode(id, forKey: .job)
            try c.encode(output, forKey: .output)
            try c.encode(at, forKey: .at)
        case let .finished(id, output, at, seconds):
            try c.encode(id, forKey: .job)
            try c.encode(output, forKey: .output)
            try c.encode(at, forKey: .at)
            try c.encodeIfPresent(seconds, forKey: .seconds)
        case let .failed(id, message, at):
            try c.encode(id, forKey: .job)
            try c.encode(message, forKey: .message)
            try c.encode(at, forKey: .at)
        }
    }
}
