#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input file was not read. Every message names the file; callers that have their own error
/// type (configs, presets, PNGs) carry `reason` into it.
public enum InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(path: String)
    /// A directory, FIFO, device or socket where a file was expected; `kind` says which.
    case notARegularFile(path: String, kind: String)
    case unreadable(path: String, reason: String)
    case tooLarge(path: String, size: Int, limit: Int)

    public var path: String {
        switch self {
        case let .missing(path), let .notARegularFile(path, _), let .unreadable(path, _), let .tooLarge(path, _, _):
            return path
        }
    }

    /// The message without the path (for an error that names the file itself).
    public var reason: String {
        switch self {
        case .missing:
            return String(cString: strerror(ENOENT))
        case let .notARegularFile(_, kind):
            return "it is \(kind), not a regular file; only regular files are read"
        case let .unreadable(_, reason):
            return reason
        case let .tooLarge(_, size, limit):
            return "it has \(size) bytes, more than the \(limit) this file may have"
        }
    }

    public var description: String { "\(path): \(reason)" }
}

extension InputFileError: CategorizedError {
    /// Every case is about a file the user named: input.
    public var category: ErrorCategory { .badInput }
}
