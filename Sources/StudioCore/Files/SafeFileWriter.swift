import DiTEngine
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one write policy for every file dit-studio writes — images from `generate` and `run`,
/// session images, exports, the last-session pointer, and the layouts and presets the studio
/// saves:
///
/// - Only a regular file is ever replaced. A directory, a symbolic link (even to a regular file),
///   a FIFO, a socket or a device such as `/dev/null` is refused by name and left as it is.
/// - An existing regular file is replaced only when the caller asks (`overwrite`); otherwise the
///   write is refused. Without `overwrite` the final step is link(2), which fails if the name was
///   taken meanwhile, so nothing is replaced even in a race.
/// - A replaced file keeps its permission bits (set-id bits are dropped, as `cp` does).
/// - Readers see the old file or the whole new one, never half: the bytes go to a temporary file
///   in the same directory (`.NAME.PID-N.tmp`), are flushed (fsync) and only then linked or renamed
///   into place; the directory is flushed after, so the new name survives a power loss.
/// - The temporary file is removed on every failure (a full disk, a file-size limit, a refusal).
///
/// Refusals and failures are `FileWriteError`s naming the destination.
public struct SafeFileWriter: Sendable {
    public let operations: any FileOperations

    public init(operations: any FileOperations = SystemFileOperations()) {
        self.operations = operations
    }

    /// Writes `bytes` to `url` following the policy above. New files get mode 0666 less the umask.
    public func write<Bytes: ContiguousBytes>(_ bytes: Bytes, to url: URL, overwrite: Bool) throws {
        let destination = url.path
        let directory = url.deletingLastPathComponent().path

        let existing = try statusOf(destination)
        if let existing {
            guard existing.isRegularFile else {
                throw FileWriteError.notARegularFile(path: destination, kind: FileKindName(mode: existing.mode).description)
            }
            guard overwrite else { throw FileWriteError.exists(path: destination) }
        }

        let temporary = (directory as NSString).appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid())-\(UInt32.random(in: .min ... .max)).tmp")
        let descriptor: Int32
        do {
            descriptor = try operations.open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                             mode: 0o666)
        } catch let error as FileOperationError {
            throw FileWriteError.cannotWrite(path: destination, code: error.code)
        }
        // From here on the temporary file exists: every way out removes it, unless it was renamed.
        var renamed = false
        var temporaryRemoved = false
        defer { if !renamed && !temporaryRemoved { try? operations.unlink(temporary) } }

        do {
            var open = true
            defer { if open { try? operations.close(descriptor) } }
            try bytes.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let remaining = UnsafeRawBufferPointer(rebasing: buffer[written...])
                    let count = try operations.write(descriptor, remaining)
                    // write(2) to a regular file writes something or fails; zero would loop forever.
                    guard count > 0 else { throw FileOperationError(call: "write", code: EIO) }
                    written += count
                }
            }
            if let existing { try operations.setPermissions(descriptor, existing.permissions) }
            try operations.sync(descriptor)
            open = false
            try operations.close(descriptor)
        } catch let error as FileOperationError {
            throw FileWriteError.cannotWrite(path: destination, code: error.code)
        }

        try publish(temporary, at: destination, replacing: existing, overwrite: overwrite, renamed: &renamed)
        if !renamed {
            // Linked: the file now has two names; drop the temporary one before flushing the folder.
            try? operations.unlink(temporary)
            temporaryRemoved = true
        }
        // The data is on disk; the directory entry is flushed best-effort (some file systems
        // refuse fsync on a directory, and the file is already whole and in place).
        try? operations.syncDirectory(directory)
    }

    /// Writes `text` as UTF-8, like `write(_:to:overwrite:)` (layouts, presets, pointers).
    public func write(text: String, to url: URL, overwrite: Bool) throws {
        try write(Array(text.utf8), to: url, overwrite: overwrite)
    }

    /// Refuses to write to `url` now, as `write` would, without writing: for a command to fail
    /// before minutes of work rather than after. (`write` checks again: things change meanwhile.)
    public func checkDestination(_ url: URL, overwrite: Bool) throws {
        guard let existing = try statusOf(url.path) else { return }
        guard existing.isRegularFile else {
            throw FileWriteError.notARegularFile(path: url.path, kind: FileKindName(mode: existing.mode).description)
        }
        guard overwrite else { throw FileWriteError.exists(path: url.path) }
    }

    /// Moves the flushed temporary file to `destination`: rename(2) over the regular file that was
    /// there (checked again just before, so a name swapped for a device or a link in the meantime
    /// is not replaced), or link(2) when nothing was, which never replaces anything.
    private func publish(_ temporary: String, at destination: String, replacing existing: FileStatus?,
                         overwrite: Bool, renamed: inout Bool) throws {
        if existing != nil {
            if let now = try statusOf(destination), !now.isRegularFile {
                throw FileWriteError.notARegularFile(path: destination, kind: FileKindName(mode: now.mode).description)
            }
            do {
                try operations.rename(temporary, to: destination)
                renamed = true
                return
            } catch let error as FileOperationError {
                throw FileWriteError.cannotWrite(path: destination, code: error.code)
            }
        }
        do {
            try operations.link(temporary, to: destination)
            return
        } catch let error as FileOperationError where error.code == EEXIST {
            // Taken since the first look: refuse as if it had been there (never replaced here).
            if let now = try statusOf(destination), !now.isRegularFile {
                throw FileWriteError.notARegularFile(path: destination, kind: FileKindName(mode: now.mode).description)
            }
            throw FileWriteError.exists(path: destination)
        } catch let error as FileOperationError where [EPERM, EXDEV, EMLINK, ENOTSUP, EOPNOTSUPP].contains(error.code) {
            // A file system without hard links: check, then rename (a small race window remains).
            if let now = try statusOf(destination) {
                guard now.isRegularFile else {
                    throw FileWriteError.notARegularFile(path: destination, kind: FileKindName(mode: now.mode).description)
                }
                guard overwrite else { throw FileWriteError.exists(path: destination) }
            }
            do {
                try operations.rename(temporary, to: destination)
                renamed = true
            } catch let error as FileOperationError {
                throw FileWriteError.cannotWrite(path: destination, code: error.code)
            }
        } catch let error as FileOperationError {
            throw FileWriteError.cannotWrite(path: destination, code: error.code)
        }
    }

    private func statusOf(_ path: String) throws -> FileStatus? {
        do {
            return try operations.status(ofPath: path)
        } catch let error as FileOperationError {
            throw FileWriteError.cannotWrite(path: path, code: error.code)
        }
    }
}
