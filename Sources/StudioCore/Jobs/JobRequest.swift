/// What a caller asks the queue for: a kind of job with its parameters, a seed policy and how many
/// seeds to run (a batch). `parameters.seed` is the first seed (ignored by `.random`).
public struct JobRequest: Hashable, Sendable {
    public var kind: JobKind
    public var parameters: GenerateParameters
    public var seedPolicy: SeedPolicy
    /// How many jobs: the same job over `count` seeds chosen by `seedPolicy`.
    public var count: Int
    public var label: String?

    public init(kind: JobKind = .generate, parameters: GenerateParameters, seedPolicy: SeedPolicy = .fixed,
                count: Int = 1, label: String? = nil) {
        self.kind = kind
        self.parameters = parameters
        self.seedPolicy = seedPolicy
        self.count = count
        self.label = label
    }

    /// The most jobs one request may create (a typo like 10000 would otherwise flood the queue).
    public static let maximumCount = 1000
}
