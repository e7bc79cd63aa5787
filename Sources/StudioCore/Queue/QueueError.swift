import DiTEngine
/// Why a queue operation was refused. Each message says which job and why, for the status line.
public enum QueueError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownJob(JobID)
    /// Only queued jobs can be moved (or cancelled at once).
    case notQueued(JobID, JobState)
    /// The job has already ended; there is nothing to cancel.
    case alreadyFinished(JobID, JobState)
    /// Only a finished job can be re-run.
    case notFinished(JobID, JobState)
    /// An outcome was reported for a job that is not the running one (a stale or corrupt event).
    case notRunning(JobID)
    /// Another job is running already.
    case busy(running: JobID)
    case duplicateJob(JobID)
    /// A job number outside 1…`JobQueue.maximumJobNumber` (a damaged or hand-edited journal).
    case jobNumberOutOfRange(JobID)
    case invalidCount(Int)

    public var description: String {
        switch self {
        case let .unknownJob(id): return "there is no job \(id) in this session"
        case let .jobNumberOutOfRange(id): return "job number \(id.number) is out of range (1…\(JobQueue.maximumJobNumber)); the journal line is damaged"
        case let .notQueued(id, state): return "job \(id) is \(state.rawValue); only queued jobs can be moved"
        case let .alreadyFinished(id, state): return "job \(id) is already \(state.rawValue); there is nothing to cancel"
        case let .notFinished(id, state): return "job \(id) is still \(state.rawValue); only finished jobs can be re-run"
        case let .notRunning(id): return "job \(id) is not the running job"
        case let .busy(running): return "job \(running) is still running"
        case let .duplicateJob(id): return "job \(id) exists already"
        case let .invalidCount(count): return "a batch needs between 1 and \(JobRequest.maximumCount) jobs (got \(count))"
        }
    }
}

extension QueueError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .unknownJob, .invalidCount: return .badInput
        case .notQueued, .alreadyFinished, .notFinished, .notRunning, .busy, .duplicateJob, .jobNumberOutOfRange: return .failure
        }
    }
}
