import Foundation
import XCTest
@testable import StudioCore
#if canImport(Glibc)
import Glibc
#endif

/// The one write policy: only regular files are replaced, and only when asked; modes are kept;
/// data is flushed before it is published and the directory after; no temporary file survives a
/// failure.
final class SafeFileWriterTests: XCTestCase {
    private let writer = SafeFileWriter()
    private let payload = Data("new content\n".utf8)

    private func lstatMode(_ url: URL) -> mode_t? {
        var status = stat()
        return lstat(url.path, &status) == 0 ? status.st_mode : nil
    }

    private func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    func testWritesANewFileWithTheUsualModeAndNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("out.png")
        try writer.write(payload, to: url, overwrite: false)
        XCTAssertEqual(try Data(contentsOf: url), payload)
        XCTAssertEqual(lstatMode(url).map { $0 & 0o7777 }, 0o666 & ~currentUmask())
        XCTAssertEqual(try directoryListing(directory), ["out.png"])
    }

    func testAnExistingFileIsReplacedOnlyWhenAsked() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("image.png")
        try Data("the user's image".utf8).write(to: url)
        XCTAssertThrowsError(try writer.write(payload, to: url, overwrite: false)) { error in
            XCTAssertEqual(error as? FileWriteError, .exists(path: url.path))
            XCTAssertTrue("\(error)".hasPrefix(url.path + ": "), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: url), Data("the user's image".utf8), "untouched")
        try writer.write(payload, to: url, overwrite: true)
        XCTAssertEqual(try Data(contentsOf: url), payload)
        XCTAssertEqual(try directoryListing(directory), ["image.png"])
    }

    func testAReplacedFileKeepsItsMode() throws {
        let directory = try makeTemporaryDirectory(for: self)
        for mode: mode_t in [0o600, 0o640, 0o755, 0o444] {
            let url = directory.appendingPathComponent("kept-\(String(mode, radix: 8)).png")
            try Data("old".utf8).write(to: url)
            XCTAssertEqual(chmod(url.path, mode), 0)
            try writer.write(payload, to: url, overwrite: true)
            XCTAssertEqual(try Data(contentsOf: url), payload)
            XCTAssertEqual(lstatMode(url).map { $0 & 0o7777 }, mode, "mode \(String(mode, radix: 8))")
        }
    }

    func testASymbolicLinkIsNeverReplacedNorFollowed() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let target = directory.appendingPathComponent("weights.safetensors")
        try Data("weights".utf8).write(to: target)
        let link = directory.appendingPathComponent("link.png")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let dangling = directory.appendingPathComponent("dangling.png")
        try FileManager.default.createSymbolicLink(at: dangling, withDestinationURL: directory.appendingPathComponent("nowhere"))
        for url in [link, dangling] {
            for overwrite in [false, true] {
                XCTAssertThrowsError(try writer.write(payload, to: url, overwrite: overwrite)) { error in
                    XCTAssertEqual(error as? FileWriteError, .notARegularFile(path: url.path, kind: "a symbolic link"))
                }
                XCTAssertEqual(lstatMode(url).map { $0 & S_IFMT }, S_IFLNK)
            }
        }
        XCTAssertEqual(try Data(contentsOf: target), Data("weights".utf8), "the link's target is untouched")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("nowhere").path))
        XCTAssertEqual(try directoryListing(directory), ["dangling.png", "link.png", "weights.safetensors"])
    }

    func testADirectoryIsNeverReplaced() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let folder = directory.appendingPathComponent("taken.png")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        try Data("inside".utf8).write(to: folder.appendingPathComponent("file"))
        XCTAssertThrowsError(try writer.write(payload, to: folder, overwrite: true)) { error in
            XCTAssertEqual(error as? FileWriteError, .notARegularFile(path: folder.path, kind: "a directory"))
        }
        XCTAssertEqual(try directoryListing(folder), ["file"])
        XCTAssertEqual(try directoryListing(directory), ["taken.png"])
    }

    /// As root, writing over /dev/null once turned it into a regular file. The test uses a
    /// character device of its own (made with mknod, as root) so that a broken writer cannot
    /// damage the machine's /dev/null; as another user it uses /dev/null itself, which that
    /// user could not replace anyway.
    func testADeviceIsNeverReplaced() throws {
        let directory = try makeTemporaryDirectory(for: self)
        var device = directory.appendingPathComponent("null.png")
        let nullNumbers = dev_t((1 << 8) | 3)  // major 1, minor 3, as /dev/null
        if mknod(device.path, S_IFCHR | 0o666, nullNumbers) != 0 {
            XCTAssertNotEqual(getuid(), 0, "root can make a device node")
            device = URL(fileURLWithPath: "/dev/null")
        }
        var before = stat()
        XCTAssertEqual(lstat(device.path, &before), 0)
        for overwrite in [false, true] {
            XCTAssertThrowsError(try writer.write(payload, to: device, overwrite: overwrite)) { error in
                XCTAssertEqual(error as? FileWriteError, .notARegularFile(path: device.path, kind: "a character device"))
                XCTAssertTrue("\(error)".contains("replaces only regular files"), "\(error)")
            }
        }
        var after = stat()
        XCTAssertEqual(lstat(device.path, &after), 0)
        XCTAssertEqual(after.st_mode & S_IFMT, S_IFCHR, "still a character device")
        XCTAssertEqual(after.st_rdev, before.st_rdev)
        XCTAssertEqual(after.st_ino, before.st_ino)
        XCTAssertFalse(try directoryListing(directory).contains { $0.hasSuffix(".tmp") })
    }

    func testAFIFOIsNeverReplacedAndNeverBlocks() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let fifo = directory.appendingPathComponent("pipe.png")
        XCTAssertEqual(mkfifo(fifo.path, 0o644), 0)
        let writer = self.writer, payload = self.payload
        let outcome = Locked<Error?>(nil)
        assertFinishes(within: 10, "writing over a FIFO") {
            do { try writer.write(payload, to: fifo, overwrite: true) } catch { outcome.withLock { $0 = error } }
        }
        XCTAssertEqual(outcome.snapshot as? FileWriteError, .notARegularFile(path: fifo.path, kind: "a FIFO (named pipe)"))
        XCTAssertEqual(lstatMode(fifo).map { $0 & S_IFMT }, S_IFIFO)
        XCTAssertEqual(try directoryListing(directory), ["pipe.png"])
    }

    func testCheckDestinationRefusesWhatWriteWouldRefuse() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let existing = directory.appendingPathComponent("a.png")
        try payload.write(to: existing)
        XCTAssertNoThrow(try writer.checkDestination(directory.appendingPathComponent("free.png"), overwrite: false))
        XCTAssertNoThrow(try writer.checkDestination(existing, overwrite: true))
        XCTAssertThrowsError(try writer.checkDestination(existing, overwrite: false)) { error in
            XCTAssertEqual(error as? FileWriteError, .exists(path: existing.path))
        }
        XCTAssertThrowsError(try writer.checkDestination(directory, overwrite: true)) { error in
            XCTAssertEqual(error as? FileWriteError, .notARegularFile(path: directory.path, kind: "a directory"))
        }
    }

    // MARK: - Durability, observed through the recorded system calls

    func testANewFileIsFlushedBeforeItIsLinkedAndTheDirectoryAfter() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let operations = RecordingFileOperations(base: directory)
        try SafeFileWriter(operations: operations).write(payload, to: directory.appendingPathComponent("out.png"), overwrite: false)
        XCTAssertEqual(operations.trace, [
            "lstat out.png",
            "open TEMP", "write TEMP", "fsync TEMP", "close TEMP",
            "link TEMP out.png",     // never replaces: fails if the name was taken meanwhile
            "unlink TEMP",
            "fsync-directory .",
        ])
    }

    func testAReplacedFileIsFlushedWithItsModeBeforeTheRenameAndTheDirectoryAfter() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("out.png")
        try Data("old".utf8).write(to: url)
        XCTAssertEqual(chmod(url.path, 0o640), 0)
        let operations = RecordingFileOperations(base: directory)
        try SafeFileWriter(operations: operations).write(payload, to: url, overwrite: true)
        XCTAssertEqual(operations.trace, [
            "lstat out.png",
            "open TEMP", "write TEMP", "fchmod TEMP 640", "fsync TEMP", "close TEMP",
            "lstat out.png",         // still a regular file right before it is replaced
            "rename TEMP out.png",
            "fsync-directory .",
        ])
    }

    func testEveryFailureRemovesTheTemporaryFileAndNamesTheDestination() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("out.png")
        let cases: [(call: String, code: Int32, overwrite: Bool, explanation: String)] = [
            ("write", EFBIG, false, "ulimit -f"),
            ("write", ENOSPC, true, "free some space"),
            ("fsync", EIO, false, String(cString: strerror(EIO))),
            ("close", EIO, true, String(cString: strerror(EIO))),
            ("fchmod", EPERM, true, String(cString: strerror(EPERM))),
            ("link", EIO, false, String(cString: strerror(EIO))),
            ("rename", EXDEV, true, String(cString: strerror(EXDEV))),
        ]
        for (call, code, overwrite, explanation) in cases {
            if overwrite { try Data("old".utf8).write(to: url) } else { try? FileManager.default.removeItem(at: url) }
            let operations = RecordingFileOperations(base: directory)
            operations.fail(call, code: code)
            XCTAssertThrowsError(try SafeFileWriter(operations: operations).write(payload, to: url, overwrite: overwrite)) { error in
                XCTAssertEqual(error as? FileWriteError, .cannotWrite(path: url.path, code: code), call)
                XCTAssertTrue("\(error)".hasPrefix("\(url.path): cannot write: "), "\(error)")
                XCTAssertTrue("\(error)".contains(explanation), "\(call): \(error)")
            }
            XCTAssertEqual(operations.trace.last, "unlink TEMP", "\(call): \(operations.trace)")
            XCTAssertEqual(try directoryListing(directory), overwrite ? ["out.png"] : [], call)
            if overwrite { XCTAssertEqual(try Data(contentsOf: url), Data("old".utf8), "\(call): the old file is whole") }
        }
    }

    func testANameTakenDuringTheWriteIsNotReplaced() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("out.png")
        let operations = RecordingFileOperations(base: directory)
        operations.beforeCall { call, _ in
            // Another program creates the file between the first look and the link.
            if call == "link" { try? Data("theirs".utf8).write(to: url) }
        }
        XCTAssertThrowsError(try SafeFileWriter(operations: operations).write(payload, to: url, overwrite: false)) { error in
            XCTAssertEqual(error as? FileWriteError, .exists(path: url.path))
        }
        XCTAssertEqual(try Data(contentsOf: url), Data("theirs".utf8))
        XCTAssertEqual(try directoryListing(directory), ["out.png"])
    }

    func testANameSwappedForASymbolicLinkBeforeTheRenameIsNotReplaced() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("out.png")
        try Data("old".utf8).write(to: url)
        let operations = RecordingFileOperations(base: directory)
        let swapped = Locked(false)
        operations.beforeCall { call, path in
            guard call == "lstat", path == "out.png", !swapped.snapshot else { return }
            if operations.trace.filter({ $0 == "lstat out.png" }).count == 2 {
                try? FileManager.default.removeItem(at: url)
                try? FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: "/dev/null")
                swapped.withLock { $0 = true }
            }
        }
        XCTAssertThrowsError(try SafeFileWriter(operations: operations).write(payload, to: url, overwrite: true)) { error in
            XCTAssertEqual(error as? FileWriteError, .notARegularFile(path: url.path, kind: "a symbolic link"))
        }
        XCTAssertEqual(lstatMode(url).map { $0 & S_IFMT }, S_IFLNK)
        XCTAssertEqual(try directoryListing(directory), ["out.png"])
    }

    func testTextIsWrittenAsUTF8ThroughThePolicy() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("layout.toml")
        try writer.write(text: "name = \"é\"\n", to: url, overwrite: false)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "name = \"é\"\n")
        XCTAssertThrowsError(try writer.write(text: "again", to: url, overwrite: false))
    }
}
