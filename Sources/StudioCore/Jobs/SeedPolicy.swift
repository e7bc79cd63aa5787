/// How the seeds of a batch (or of the next job the studio queues) are chosen. Whatever the
/// policy, the seed a job actually used is recorded in the job, so it can be reproduced.
public enum SeedPolicy: String, Codable, Sendable, CaseIterable {
    /// The same seed every time (compare settings on one seed).
    case fixed
    /// seed, seed + 1, seed + 2, …
    case increment
    /// A fresh random seed for every job.
    case random

    /// Random seeds stay below 2³², like other tools', so they are easy to read and type.
    public static let randomRange: Range<UInt64> = 0..<(1 << 32)

    public static func randomSeed<Generator: RandomNumberGenerator>(using generator: inout Generator) -> UInt64 {
        UInt64.random(in: randomRange, using: &generator)
    }

    /// `count` seeds starting from `start` (which `random` ignores).
    public func seeds<Generator: RandomNumberGenerator>(count: Int, start: UInt64,
                                                        using generator: inout Generator) -> [UInt64] {
        (0..<max(0, count)).map { index in
            switch self {
            case .fixed: return start
            case .increment: return start &+ UInt64(index)
            case .random: return Self.randomSeed(using: &generator)
            }
        }
    }

    /// The seed to offer after a job used `seed` (the TUI's "seed 1234 (+1)").
    public func next<Generator: RandomNumberGenerator>(after seed: UInt64, using generator: inout Generator) -> UInt64 {
        switch self {
        case .fixed: return seed
        case .increment: return seed &+ 1
        case .random: return Self.randomSeed(using: &generator)
        }
    }
}
