/// Whether the user asked a headless run to stop (an interrupt), asked between pumps. A type of
/// its own rather than a bare closure, so that a trailing closure at a call site still means
/// "what to do with each event".
public struct StopRequest: Sendable {
    private let check: @Sendable () -> Bool

    public init(_ check: @escaping @Sendable () -> Bool) {
        self.check = check
    }

    /// Never asked to stop.
    public static let never = StopRequest { false }

    public var isRequested: Bool { check() }
}
