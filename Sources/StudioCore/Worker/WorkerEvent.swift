import Foundation

/// What the worker reports, in order, through its inbox. Plain values, safe to hand across threads.
public enum WorkerEvent: Equatable, Sendable {
    /// A model is being loaded (nil = the default model), for `job` or ahead of any job.
    case modelLoading(job: JobID?, model: String?)
    /// The model is loaded and kept for the jobs that follow.
    case modelLoaded(job: JobID?, model: ModelDescription, seconds: Double)
    /// Loading failed ahead of any job (a job's own load failure is reported as `failed`).
    case modelFailed(model: String?, message: String)
    /// The job's sampling begins.
    case started(job: JobID, model: ModelDescription)
    /// A step is done; `preview` is that step's predicted clean image when the worker decoded one.
    case step(job: JobID, progress: StepProgress, preview: RGBImage?)
    /// The image is written.
    case finished(job: JobID, output: URL, seconds: Double)
    /// The job could not be done; `message` says why and what to do.
    case failed(job: JobID, message: String)
    /// The job stopped at a step boundary because it was cancelled; nothing was written.
    case cancelled(job: JobID, completedSteps: Int)

    /// The job the event is about, if any.
    public var job: JobID? {
        switch self {
        case let .modelLoading(job, _), let .modelLoaded(job, _, _): return job
        case .modelFailed: return nil
        case let .started(job, _), let .step(job, _, _), let .finished(job, _, _), let .failed(job, _),
             let .cancelled(job, _):
            return job
        }
    }
}
