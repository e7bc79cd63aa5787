/// Where a job is in its life: queued → running → done | failed | cancelled. A running job that is
/// interrupted (a crash) goes back to queued when its session is reopened.
public enum JobState: String, Codable, Sendable, CaseIterable {
    case queued
    case running
    case done
    case failed
    case cancelled

    /// Done, failed or cancelled: the job will not run again (a re-run is a new job).
    public var isFinished: Bool {
        switch self {
        case .queued, .running: return false
        case .done, .failed, .cancelled: return true
        }
    }
}
