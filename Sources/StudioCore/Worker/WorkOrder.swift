import Foundation

/// A job handed to the worker: the job as queued (its seed decided), where to write its image, and
/// the session it belongs to (recorded in the image's metadata).
public struct WorkOrder: Equatable, Sendable {
    public var job: Job
    public var outputURL: URL
    public var sessionID: String?

    public init(job: Job, outputURL: URL, sessionID: String?) {
        self.job = job
        self.outputURL = outputURL
        self.sessionID = sessionID
    }
}

/// How often the worker decodes a step's predicted clean image for the preview.
public enum PreviewPolicy: Equatable, Sendable {
    /// Every step (tests, or a fast engine).
    case everyStep
    /// Only when the last preview has been drained from the inbox: previews as fast as the UI
    /// takes them, no decoding for nobody.
    case whenDrained
    /// Never (headless runs).
    case never
}
