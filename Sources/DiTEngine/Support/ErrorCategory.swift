/// Whose fault a failure is. Front ends decide from this alone how to report an error — the
/// command line's exit status is 2 for `.badInput` and 1 for `.failure` — so every error enum
/// of every module says it once, per case, beside its messages.
public enum ErrorCategory: Sendable, Equatable {
    /// Something the user gave is wrong: a flag, a file or directory they named (an image, a model
    /// directory, its configs and weights), a preset, a theme, a studio file. Changing the input
    /// fixes it.
    case badInput
    /// The operation failed for another reason: a write failed (disk full, permissions), memory ran
    /// out, the engine produced NaN, a program error. Running again may help; the input is fine.
    case failure
}

/// An error that knows its `ErrorCategory`.
public protocol CategorizedError: Error {
    var category: ErrorCategory { get }
}
