import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way dit-studio opens a file it reads as input (PNG images, safetensors weights, model
/// configs, tokenizers, presets, themes, session journals): only a regular file is read.
///
/// Why: opening a FIFO for reading blocks until a writer appears, and a device or a directory is
/// never what the user meant. The file is opened with `O_NONBLOCK` (so a FIFO or a terminal cannot
/// block the open), then `fstat` on the open descriptor decides — the check is about the very file
/// that will be read, with no window for the name to be swapped in between. Anything else is
/// refused by name, saying what it is.
public final class InputFile {
    /// The open descriptor (blocking again, read-only, close-on-exec); closed with the object.
    public let descriptor: Int32
    /// The path as messages name it.
    public let path: String
    /// The file's size in bytes when it was opened.
    public let size: Int

    /// Opens `url` for reading if it is a regular file (a symbolic link to one is followed).
    /// Throws `InputFileError`.
    public init(url: URL) throws {
        let path = url.path
        let descriptor = url.withUnsafeFileSystemRepresentation { name in
            name.map { open($0, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) } ?? -1
        }
        guard descriptor >= 0 else {
            let error = errno
            throw error == ENOENT ? InputFileError.missing(path: path)
                                  : InputFileError.unreadable(path: path, reason: String(cString: strerror(error)))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = closeFileDescriptor(descriptor)
            throw InputFileError.unreadable(path: path, reason: reason)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            _ = closeFileDescriptor(descriptor)
            throw InputFileError.notARegularFile(path: path, kind: FileKindName(mode: status.st_mode).description)
        }
        // Reads from here on should wait for the disk as usual (a regular file ignores the flag,
        // but a later reader of the descriptor need not know it was ever set).
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        self.descriptor = descriptor
        self.path = path
        self.size = Int(status.st_size)
    }

    deinit {
        _ = closeFileDescriptor(descriptor)
    }

    /// Reads the whole file (up to `maximumBytes`; a larger file is refused rather than read).
    public func readAll(maximumBytes: Int = Int.max) throws -> Data {
        guard size <= maximumBytes else {
            throw InputFileError.tooLarge(path: path, size: size, limit: maximumBytes)
        }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw InputFileError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { return data }
            data.append(contentsOf: chunk[0..<count])
            if data.count > maximumBytes {  // it grew while being read
                throw InputFileError.tooLarge(path: path, size: data.count, limit: maximumBytes)
            }
        }
    }

    /// Up to `count` bytes from the current position (fewer at the end of the file).
    public func read(upTo count: Int) throws -> Data {
        var buffer = [UInt8](repeating: 0, count: max(count, 0))
        var filled = 0
        while filled < buffer.count {
            let got = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                throw InputFileError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { break }
            filled += got
        }
        return Data(buffer[0..<filled])
    }

    /// The whole content of the regular file at `url`. Throws `InputFileError`.
    public static func read(_ url: URL, maximumBytes: Int = Int.max) throws -> Data {
        try InputFile(url: url).readAll(maximumBytes: maximumBytes)
    }
}

/// What kind of file a `stat` mode describes, as a message names it ("a FIFO (named pipe)").
public struct FileKindName: CustomStringConvertible, Sendable {
    public let mode: mode_t

    public init(mode: mode_t) {
        self.mode = mode
    }

    public var description: String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }
}

/// read(2), which this type's own `read` shadows inside its methods.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(descriptor, buffer, count)
    #else
    return Darwin.read(descriptor, buffer, count)
    #endif
}

/// close(2), which `FileHandle` and friends shadow inside methods.
@discardableResult
func closeFileDescriptor(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
    return Glibc.close(descriptor)
    #else
    return Darwin.close(descriptor)
    #endif
}
