import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary file holding the input, for parsers that read from a path (safetensors maps the
/// file, libpng reads it through `FILE *`). One name per process and suffix, removed after use.
/// Written with plain `write(2)`: Foundation's `Data.write` syncs to disk, which made every run
/// wait milliseconds for the disk.
enum ScratchFile {
    private static let directory = FileManager.default.temporaryDirectory.path
    private static let processID = getpid()

    struct WriteFailed: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot write the scratch file \(path): \(reason)" }
    }

    static func withFile<Result>(holding input: UnsafeRawBufferPointer, suffix: String,
                                 _ body: (URL) throws -> Result) throws -> Result {
        let path = "\(directory)/dit-studio-fuzz-\(processID)\(suffix)"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw WriteFailed(path: path, reason: String(cString: strerror(errno))) }
        defer { unlink(path) }
        var written = 0
        while written < input.count {
            let count = write(descriptor, input.baseAddress! + written, input.count - written)
            guard count > 0 else {
                close(descriptor)
                throw WriteFailed(path: path, reason: String(cString: strerror(errno)))
            }
            written += count
        }
        close(descriptor)
        return try body(URL(fileURLWithPath: path))
    }
}
