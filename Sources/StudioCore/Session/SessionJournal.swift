import DiTEngine
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A session's append-only journal: one JSON object per line, each line written with one write(2)
/// and flushed to disk (fsync) before the change it records is made, so that after a crash or
/// `kill -9` the journal holds every change the user saw, at worst with a torn last line.
///
/// The file is locked (flock) while a studio has the session open, so two studios cannot
/// interleave their lines.
final class SessionJournal {
    let url: URL
    private var descriptor: Int32
    /// The system calls, behind a protocol so that tests can see that every line is flushed.
    private let operations: any FileOperations

    /// Opens (or with `create`, creates — failing if it exists) the journal for appending and
    /// takes its lock. Only a regular file is opened as a journal.
    init(url: URL, create: Bool, operations: any FileOperations = SystemFileOperations()) throws {
        self.url = url
        self.operations = operations
        let path = url.path
        // O_NONBLOCK and O_NOFOLLOW: a FIFO or a link in the journal's place must neither block
        // the open nor redirect the writes (regular files ignore O_NONBLOCK).
        let flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | (create ? O_CREAT | O_EXCL : 0)
        let descriptor: Int32
        do {
            if !create, let existing = try operations.status(ofPath: path), !existing.isRegularFile {
                throw SessionError.journalUnreadable(path: path, reason: "it is \(FileKindName(mode: existing.mode)), not a regular file")
            }
            descriptor = try operations.open(path, flags: flags, mode: 0o644)
        } catch let error as FileOperationError {
            throw create ? SessionError.cannotCreate(path: path, reason: error.reason)
                         : SessionError.journalUnreadable(path: path, reason: error.reason)
        }
        do {
            try operations.lockExclusively(descriptor)
        } catch {
            try? operations.close(descriptor)
            throw SessionError.locked(path: url.deletingLastPathComponent().path)
        }
        self.descriptor = descriptor
        if create {
            // The new session folder and its journal must survive a power loss too.
            try? operations.syncDirectory(url.deletingLastPathComponent().path)
            try? operations.syncDirectory(url.deletingLastPathComponent().deletingLastPathComponent().path)
        }
    }

    deinit {
        close()
    }

    /// Releases the file and its lock (what a crash does too; nothing is written).
    func close() {
        guard descriptor >= 0 else { return }
        try? operations.close(descriptor)
        descriptor = -1
    }

    /// Cuts the file to `length` bytes (to drop a torn last line before appending after it).
    func truncate(to length: Int) throws {
        do {
            try operations.truncate(descriptor, toLength: length)
            try operations.sync(descriptor)
        } catch let error as FileOperationError {
            throw SessionError.journalUnwritable(path: url.path, reason: error.reason)
        }
    }

    /// Appends the records, one line each, and flushes them to disk. On failure the file is cut
    /// back to its previous length, so it never keeps half of a change, and the error is thrown.
    func append(_ records: [JournalRecord], prefixNewline: Bool = false) throws {
        guard descriptor >= 0 else { throw SessionError.journalUnwritable(path: url.path, reason: "the journal is closed") }
        guard !records.isEmpty || prefixNewline else { return }
        // After a failed write whose rollback failed too, a partial line may end the file: start on
        // a fresh line so that this record is not glued to it (the partial line is skipped on replay).
        var bytes: [UInt8] = prefixNewline || mayEndInPartialLine ? [0x0A] : []
        for record in records {
            do {
                bytes += try StudioJSON.encode(record)
            } catch {
                throw SessionError.journalUnwritable(path: url.path, reason: "cannot encode a record: \(error)")
            }
            bytes.append(0x0A)
        }
        let previousLength = try? operations.seekToEnd(descriptor)
        do {
            try bytes.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let count = try operations.write(descriptor, UnsafeRawBufferPointer(rebasing: buffer[written...]))
                    guard count > 0 else { throw FileOperationError(call: "write", code: EIO) }
                    written += count
                }
            }
            try operations.sync(descriptor)
        } catch let error as FileOperationError {
            var rolledBack = false
            if let previousLength {
                rolledBack = (try? operations.truncate(descriptor, toLength: previousLength)) != nil
            }
            mayEndInPartialLine = mayEndInPartialLine || !rolledBack
            throw SessionError.journalUnwritable(path: url.path, reason: error.reason)
        }
        mayEndInPartialLine = false
    }

    /// True after a failed append could not be cut back (the file may end in half a line).
    private var mayEndInPartialLine = false

    // MARK: - Reading

    /// One readable line.
    struct Line: Equatable {
        var number: Int
        var record: JournalRecord
    }

    /// What a journal holds, and what was wrong with it.
    struct Contents {
        var lines: [Line] = []
        /// One per line that could not be read, naming the file and line.
        var warnings: [String] = []
        /// Where the readable part ends: appending continues from here (a torn last line is cut).
        var appendOffset = 0
        /// The file's last line is complete but has no line break yet (add one before appending).
        var needsNewline = false
        /// The file's length.
        var length = 0
    }

    /// Reads every line it can. A torn last line (the studio stopped while writing it) is left out
    /// with a warning; an unreadable line elsewhere is skipped with a warning too.
    static func read(_ url: URL) throws -> Contents {
        let data: Data
        do {
            data = try InputFile.read(url)
        } catch let error as InputFileError {
            throw SessionError.journalUnreadable(path: url.path, reason: error.reason)
        }
        var contents = Contents()
        contents.length = data.count
        let bytes = [UInt8](data)
        var start = 0
        var number = 0
        let name = url.path
        while start < bytes.count {
            number += 1
            let end = bytes[start...].firstIndex(of: 0x0A)
            let lineEnd = end ?? bytes.count
            let slice = bytes[start..<lineEnd]
            let isLast = end == nil
            defer { start = lineEnd + 1 }
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                if !isLast { contents.appendOffset = lineEnd + 1 }
                continue
            }
            do {
                let record = try StudioJSON.decode(JournalRecord.self, from: Data(slice))
                contents.lines.append(Line(number: number, record: record))
                if isLast {
                    contents.appendOffset = lineEnd
                    contents.needsNewline = true
                } else {
                    contents.appendOffset = lineEnd + 1
                }
            } catch {
                if isLast {
                    contents.warnings.append("\(name):\(number): the last line is incomplete (the studio stopped while "
                                             + "writing it); ignored")
                } else {
                    contents.warnings.append("\(name):\(number): unreadable line skipped (\(StudioJSON.describe(error)))")
                    contents.appendOffset = lineEnd + 1
                }
            }
        }
        return contents
    }
}
