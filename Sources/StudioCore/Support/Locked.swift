import Foundation

/// A value shared between threads, guarded by a lock.
///
/// Why not `Synchronization.Mutex`: the package still targets macOS 14, where `Mutex` is not
/// available; an `NSLock` works everywhere. `@unchecked Sendable` is sound because every access to
/// `value` goes through `withLock`, which holds the lock for the duration of the access.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with exclusive access to the value.
    @discardableResult
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    /// A copy of the current value.
    public var snapshot: Value { withLock { $0 } }
}
