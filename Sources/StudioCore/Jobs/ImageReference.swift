/// An image an edit starts from: a file, and the job that made it when it came from a session.
public struct ImageReference: Codable, Hashable, Sendable {
    /// The file's path (absolute, or relative to the session directory).
    public var path: String
    /// The job in the same session that produced it, if any (the queue shows "inpaint ← #7").
    public var jobID: JobID?
    /// A fingerprint of the file's content when known, so metadata can tell if the source changed.
    public var fingerprint: String?

    public init(path: String, jobID: JobID? = nil, fingerprint: String? = nil) {
        self.path = path
        self.jobID = jobID
        self.fingerprint = fingerprint
    }

    enum CodingKeys: String, CodingKey {
        case path
        case jobID = "job"
        case fingerprint
    }

    /// `#7` when the source is a job of the session, else the file name.
    public var shortDescription: String {
        if let jobID { return jobID.description }
        return path.split(separator: "/").last.map(String.init) ?? path
    }
}
