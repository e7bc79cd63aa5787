/// A job's number within its session: #1, #2, … in the order jobs were created. Never reused, so it
/// also names the job's image file (`0007-1234.png`).
public struct JobID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let number: Int

    public init(_ number: Int) {
        self.number = number
    }

    public init(from decoder: Decoder) throws {
        number = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(number)
    }

    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.number < rhs.number }

    /// `#7`, as the queue shows it.
    public var description: String { "#\(number)" }
}
