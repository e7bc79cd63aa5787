import DiTEngine
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see either nothing or the whole file: the content goes to a
/// temporary file in the destination's directory (same file system), which is then moved into
/// place with one atomic system call.
public enum AtomicFile {
    /// Why the final move failed.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case destinationExists(path: String)
        case moveFailed(path: String, reason: String)

        public var description: String {
            switch self {
            case let .destinationExists(path):
                return "\(path): file exists; choose another name or allow overwriting"
            case let .moveFailed(path, reason):
                return "\(path): cannot move the written file into place: \(reason)"
            }
        }
    }

    /// Calls `write` with the path of a temporary file that does not exist yet (the callee creates
    /// it), then moves it to `url`. Without `overwrite`, an existing destination is never replaced:
    /// the move uses link(2), which fails atomically when the name exists. The temporary file is
    /// removed whatever happens.
    public static func write(to url: URL, overwrite: Bool, _ write: (URL) throws -> Void) throws {
        let destination = url.path
        if !overwrite && FileManager.default.fileExists(atPath: destination) {
            throw Failure.destinationExists(path: destination)
        }
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid())-\(UInt32.random(in: .min ... .max)).tmp")
        defer { unlink(temporary.path) }

        try write(temporary)

        if overwrite {
            guard rename(temporary.path, destination) == 0 else {
                throw Failure.moveFailed(path: destination, reason: String(cString: strerror(errno)))
            }
            syncDirectory(directory)
            return
        }
        if link(temporary.path, destination) == 0 {
            syncDirectory(directory)
            return
        }
        let linkError = errno
        if linkError == EEXIST { throw Failure.destinationExists(path: destination) }
        // File systems without hard links: fall back to check-then-rename (a small race window).
        guard [EPERM, EXDEV, EMLINK, ENOTSUP, EOPNOTSUPP].contains(linkError) else {
            throw Failure.moveFailed(path: destination, reason: String(cString: strerror(linkError)))
        }
        if FileManager.default.fileExists(atPath: destination) {
            throw Failure.destinationExists(path: destination)
        }
        guard rename(temporary.path, destination) == 0 else {
            throw Failure.moveFailed(path: destination, reason: String(cString: strerror(errno)))
        }
        syncDirectory(directory)
    }

    /// Flushes a directory's entries, so a file just linked or renamed into it survives a power loss
    /// (its data was flushed before the move). Best effort: some file systems refuse directory fsync.
    public static func syncDirectory(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }
}

extension AtomicFile.Failure: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .destinationExists: return .badInput
        case .moveFailed: return .failure
        }
    }
}
