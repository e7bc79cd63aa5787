/// Everything about how an image was made, stored as JSON in the PNG's `dit-studio` text chunk:
/// enough to make the same pixels again (every parameter including sampler and RNG, the model's
/// name, path and fingerprint) and to find its place in a session.
public struct ImageProvenance: Codable, Equatable, Sendable {
    /// The version of this record's layout.
    public var format: Int
    public var software: String
    public var session: String?
    public var job: JobID?
    public var kind: JobKind
    public var parameters: GenerateParameters
    public var seedPolicy: SeedPolicy
    public var model: ModelDescription?
    public var createdAt: Timestamp?

    public static let currentFormat = 1

    public init(session: String?, job: Job, model: ModelDescription?, createdAt: Timestamp?) {
        self.init(session: session, jobID: job.id, kind: job.kind, parameters: job.parameters,
                  seedPolicy: job.seedPolicy, model: model, createdAt: createdAt)
    }

    public init(session: String?, jobID: JobID?, kind: JobKind, parameters: GenerateParameters,
                seedPolicy: SeedPolicy, model: ModelDescription?, createdAt: Timestamp?) {
        self.format = Self.currentFormat
        self.software = "dit-studio"
        self.session = session
        self.job = jobID
        self.kind = kind
        self.parameters = parameters
        self.seedPolicy = seedPolicy
        self.model = model
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case format, software, session, job, kind, parameters
        case seedPolicy = "seed_policy"
        case model
        case createdAt = "created_at"
    }

    /// A request that makes this image again: same kind, parameters and seed, one job. A job that
    /// used the default model asks for the default model again (compare `model.fingerprint` to
    /// know whether it is still the same one).
    public var jobRequest: JobRequest {
        JobRequest(kind: kind, parameters: parameters, seedPolicy: .fixed, count: 1)
    }
}
