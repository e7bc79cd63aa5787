import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system calls behind every durable write (`SafeFileWriter`) and the session journal:
/// open, write, fsync, rename, link, fsync of a directory, and the few others they need.
///
/// Why a protocol: durability cannot be observed by reading a file back (the page cache answers
/// before the disk has anything), so tests substitute a double that records every call and assert
/// the order — the data's fsync before the rename or link that publishes it, the directory's fsync
/// after — and can make any call fail (a full disk, a file-size limit) at a chosen moment.
///
/// Every call reports failure as a thrown `FileOperationError` carrying `errno`; none retries or
/// interprets it (callers name the file and say what it means).
public protocol FileOperations: Sendable {
    /// open(2); returns the descriptor.
    func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32
    /// write(2) once (it may write fewer bytes than given); returns the count written.
    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws -> Int
    /// fsync(2): the file's data and size are on disk when it returns.
    func sync(_ descriptor: Int32) throws
    /// ftruncate(2).
    func truncate(_ descriptor: Int32, toLength length: Int) throws
    /// lseek(2) to the end; returns the file's length.
    func seekToEnd(_ descriptor: Int32) throws -> Int
    /// fchmod(2).
    func setPermissions(_ descriptor: Int32, _ mode: mode_t) throws
    /// flock(2) with `LOCK_EX | LOCK_NB`.
    func lockExclusively(_ descriptor: Int32) throws
    /// close(2).
    func close(_ descriptor: Int32) throws
    /// rename(2): replaces `destination` if it exists.
    func rename(_ source: String, to destination: String) throws
    /// link(2): fails with EEXIST if `destination` exists, so nothing is ever replaced.
    func link(_ source: String, to destination: String) throws
    /// unlink(2).
    func unlink(_ path: String) throws
    /// Opens the directory, fsyncs it and closes it: the names linked or renamed into it survive
    /// a power loss.
    func syncDirectory(_ path: String) throws
    /// lstat(2): what is at `path` itself (a symbolic link is not followed); nil if nothing is.
    func status(ofPath path: String) throws -> FileStatus?
}

/// What `lstat` says about a path: its type, permission bits and identity.
public struct FileStatus: Equatable, Sendable {
    public var mode: mode_t
    public var device: UInt64
    public var inode: UInt64

    public init(mode: mode_t, device: UInt64, inode: UInt64) {
        self.mode = mode
        self.device = device
        self.inode = inode
    }

    public var isRegularFile: Bool { (mode & S_IFMT) == S_IFREG }
    /// The permission bits (rwx for user, group, others).
    public var permissions: mode_t { mode & 0o777 }
}

/// A failed system call: which one and its `errno`.
public struct FileOperationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var call: String
    public var code: Int32

    public init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }

    /// The system's text for `code` ("No space left on device").
    public var reason: String { String(cString: strerror(code)) }
    public var description: String { "\(call): \(reason)" }
}

/// The real calls.
public struct SystemFileOperations: FileOperations {
    public init() {}

    private func check(_ result: Int32, _ call: String) throws {
        if result != 0 { throw FileOperationError(call: call, code: errno) }
    }

    public func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32 {
        while true {
            #if canImport(Glibc)
            let descriptor = Glibc.open(path, flags, mode)
            #else
            let descriptor = Darwin.open(path, flags, mode)
            #endif
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw FileOperationError(call: "open", code: errno) }
        }
    }

    public func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws -> Int {
        while true {
            #if canImport(Glibc)
            let count = Glibc.write(descriptor, bytes.baseAddress, bytes.count)
            #else
            let count = Darwin.write(descriptor, bytes.baseAddress, bytes.count)
            #endif
            if count >= 0 { return count }
            if errno != EINTR { throw FileOperationError(call: "write", code: errno) }
        }
    }

    public func sync(_ descriptor: Int32) throws {
        try check(fsync(descriptor), "fsync")
    }

    public func truncate(_ descriptor: Int32, toLength length: Int) throws {
        try check(ftruncate(descriptor, off_t(length)), "ftruncate")
    }

    public func seekToEnd(_ descriptor: Int32) throws -> Int {
        let offset = lseek(descriptor, 0, SEEK_END)
        if offset < 0 { throw FileOperationError(call: "lseek", code: errno) }
        return Int(offset)
    }

    public func setPermissions(_ descriptor: Int32, _ mode: mode_t) throws {
        try check(fchmod(descriptor, mode), "fchmod")
    }

    public func lockExclusively(_ descriptor: Int32) throws {
        try check(flock(descriptor, LOCK_EX | LOCK_NB), "flock")
    }

    public func close(_ descriptor: Int32) throws {
        #if canImport(Glibc)
        try check(Glibc.close(descriptor), "close")
        #else
        try check(Darwin.close(descriptor), "close")
        #endif
    }

    public func rename(_ source: String, to destination: String) throws {
        #if canImport(Glibc)
        try check(Glibc.rename(source, destination), "rename")
        #else
        try check(Darwin.rename(source, destination), "rename")
        #endif
    }

    public func link(_ source: String, to destination: String) throws {
        #if canImport(Glibc)
        try check(Glibc.link(source, destination), "link")
        #else
        try check(Darwin.link(source, destination), "link")
        #endif
    }

    public func unlink(_ path: String) throws {
        #if canImport(Glibc)
        try check(Glibc.unlink(path), "unlink")
        #else
        try check(Darwin.unlink(path), "unlink")
        #endif
    }

    public func syncDirectory(_ path: String) throws {
        let descriptor = try open(path, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC, mode: 0)
        defer { try? close(descriptor) }
        try sync(descriptor)
    }

    public func status(ofPath path: String) throws -> FileStatus? {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw FileOperationError(call: "lstat", code: errno)
        }
        return FileStatus(mode: status.st_mode, device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }
}
