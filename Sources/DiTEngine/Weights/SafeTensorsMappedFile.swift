import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file mapped read-only into memory, unmapped when released. Weights are read straight
/// from the page cache instead of being copied into a buffer first.
///
/// If another process truncates the file while it is mapped, touching the lost pages raises
/// SIGBUS; model files are not expected to change under a running studio.
final class SafeTensorsMappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    init(url: URL) throws {
        let path = url.path
        // Only a regular file is opened (a FIFO would block the open, a device is never weights).
        let file: InputFile
        do { file = try InputFile(url: url) } catch let error as InputFileError {
            throw SafeTensorsError.cannotOpen(path: path, reason: error.reason)
        }
        let size = file.size
        guard size >= 8 else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "the file has \(size) bytes, fewer than the 8-byte header length")
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, file.descriptor, 0), address != MAP_FAILED else {
            throw SafeTensorsError.cannotOpen(path: path, reason: "cannot map it into memory: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}
