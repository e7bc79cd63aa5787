import DiTEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why `SafeFileWriter` did not write a file. Every message names the destination.
public enum FileWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A regular file of that name exists and the caller did not ask to replace it.
    case exists(path: String)
    /// Something other than a regular file is there (`kind`: "a directory", "a character
    /// device"…); it is never replaced.
    case notARegularFile(path: String, kind: String)
    /// The file system refused (`code` is the errno: no space, a file-size limit, permissions…).
    case cannotWrite(path: String, code: Int32)

    public var path: String {
        switch self {
        case let .exists(path), let .notARegularFile(path, _), let .cannotWrite(path, _): return path
        }
    }

    public var description: String {
        switch self {
        case let .exists(path):
            return "\(path): file exists; choose another name or allow replacing it"
        case let .notARegularFile(path, kind):
            return "\(path): it is \(kind); dit-studio replaces only regular files, so choose another name"
        case let .cannotWrite(path, code):
            return "\(path): cannot write: \(Self.explain(code))"
        }
    }

    /// The system's reason, with what to do for the usual suspects.
    static func explain(_ code: Int32) -> String {
        let reason = String(cString: strerror(code))
        switch code {
        case EFBIG: return "\(reason) (larger than this process may write: see `ulimit -f`)"
        case ENOSPC, EDQUOT: return "\(reason) (free some space)"
        case EROFS, EACCES, EPERM: return "\(reason) (choose a writable folder)"
        default: return reason
        }
    }
}

extension FileWriteError: CategorizedError {
    /// A destination the user chose that is taken, or is not a regular file, is their input to fix;
    /// a write that fails on the way is a failure.
    public var category: ErrorCategory {
        switch self {
        case .exists, .notARegularFile: return .badInput
        case .cannotWrite: return .failure
        }
    }
}
