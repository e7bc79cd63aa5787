/// One operation in a session's queue with everything needed to run it again: its kind, its
/// parameters with the seed actually used, how that seed was chosen, its state and what came of it.
public struct Job: Codable, Hashable, Sendable, Identifiable {
    public let id: JobID
    public var kind: JobKind
    /// The parameters, with `seed` already decided by the seed policy.
    public var parameters: GenerateParameters
    /// How the seed was chosen (recorded for the studio's "next seed"; the seed itself is above).
    public var seedPolicy: SeedPolicy
    public var state: JobState
    /// The user asked to cancel while it was running; it stops at the next step boundary. The
    /// queue shows "cancelling…" meanwhile.
    public var cancelRequested: Bool
    public var createdAt: Timestamp
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    /// The image written, as a path relative to the session directory when inside it.
    public var output: String?
    /// Why it failed.
    public var error: String?
    /// The finished job this one repeats.
    public var rerunOf: JobID?
    /// Its place in a batch (the same job over several seeds).
    public var batch: BatchPosition?
    /// Who asked for it, for display (e.g. `preset draft · guidance 2`); not a parameter.
    public var label: String?

    public init(id: JobID, kind: JobKind = .generate, parameters: GenerateParameters,
                seedPolicy: SeedPolicy = .fixed, createdAt: Timestamp, rerunOf: JobID? = nil,
                batch: BatchPosition? = nil, label: String? = nil) {
        self.id = id
        self.kind = kind
        self.parameters = parameters
        self.seedPolicy = seedPolicy
        self.state = .queued
        self.cancelRequested = false
        self.createdAt = createdAt
        self.rerunOf = rerunOf
        self.batch = batch
        self.label = label
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, parameters
        case seedPolicy = "seed_policy"
        case state
        case cancelRequested = "cancel_requested"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case output, error
        case rerunOf = "rerun_of"
        case batch, label
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(JobID.self, forKey: .id)
        kind = try container.decodeIfPresent(JobKind.self, forKey: .kind) ?? .generate
        parameters = try container.decode(GenerateParameters.self, forKey: .parameters)
        seedPolicy = try container.decodeIfPresent(SeedPolicy.self, forKey: .seedPolicy) ?? .fixed
        state = try container.decodeIfPresent(JobState.self, forKey: .state) ?? .queued
        cancelRequested = try container.decodeIfPresent(Bool.self, forKey: .cancelRequested) ?? false
        createdAt = try container.decode(Timestamp.self, forKey: .createdAt)
        startedAt = try container.decodeIfPresent(Timestamp.self, forKey: .startedAt)
        finishedAt = try container.decodeIfPresent(Timestamp.self, forKey: .finishedAt)
        output = try container.decodeIfPresent(String.self, forKey: .output)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        rerunOf = try container.decodeIfPresent(JobID.self, forKey: .rerunOf)
        batch = try container.decodeIfPresent(BatchPosition.self, forKey: .batch)
        label = try container.decodeIfPresent(String.self, forKey: .label)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(seedPolicy, forKey: .seedPolicy)
        try container.encode(state, forKey: .state)
        if cancelRequested { try container.encode(true, forKey: .cancelRequested) }
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(startedAt, forKey: .startedAt)
        try container.encodeIfPresent(finishedAt, forKey: .finishedAt)
        try container.encodeIfPresent(output, forKey: .output)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(rerunOf, forKey: .rerunOf)
        try container.encodeIfPresent(batch, forKey: .batch)
        try container.encodeIfPresent(label, forKey: .label)
    }

    /// The image's file name: `<NNNN>-<seed>.png` (job number, seed).
    public var imageFileName: String {
        let number = String(id.number)
        return String(repeating: "0", count: max(0, 4 - number.count)) + number + "-\(parameters.seed).png"
    }
}

/// A job's place in a batch: `index` of `count` (1-based).
public struct BatchPosition: Codable, Hashable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }
}
