import Foundation
import XCTest
@testable import StudioCore

/// Writing is atomic and never replaces a file unless asked to.
final class PNGWriteTests: XCTestCase {
    private let first = RGBImage(width: 2, height: 2, fill: .white)
    private let second = RGBImage(width: 3, height: 1, fill: RGB8(1, 2, 3))

    func testRefusesToOverwriteUnlessAsked() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("out.png")
        try PNGFile.write(first, to: url)
        XCTAssertThrowsError(try PNGFile.write(second, to: url)) { error in
            XCTAssertEqual(error as? FileWriteError, .exists(path: url.path))
            XCTAssertTrue("\(error)".contains(url.path))
        }
        XCTAssertEqual(try PNGFile.read(from: url).image, first, "the existing file is untouched")
        try PNGFile.write(second, to: url, overwrite: true)
        XCTAssertEqual(try PNGFile.read(from: url).image, second)
        XCTAssertEqual(try directoryListing(directory), ["out.png"], "no temporary file is left behind")
    }

    func testRefusesToReplaceAnyExistingFileEvenANonPNG() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("notes.png")
        try Data("keep me".utf8).write(to: url)
        XCTAssertThrowsError(try PNGFile.write(first, to: url))
        XCTAssertEqual(try Data(contentsOf: url), Data("keep me".utf8))
    }

    func testFailureInAMissingDirectoryNamesThePathAndLeavesNothing() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("missing/out.png")
        XCTAssertThrowsError(try PNGFile.write(first, to: url)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(url.path), message)
            XCTAssertTrue(message.contains("No such file or directory"), message)
        }
        XCTAssertEqual(try directoryListing(directory), [])
    }

    func testWritingOverADirectoryFailsCleanly() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let target = directory.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        XCTAssertThrowsError(try PNGFile.write(first, to: target, overwrite: true)) { error in
            XCTAssertTrue("\(error)".contains(target.path), "\(error)")
        }
        XCTAssertEqual(try directoryListing(directory), ["taken"])
    }

    func testAPNGGoesThroughTheWritePolicyFlushedBeforeItIsLinked() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("out.png")
        let operations = RecordingFileOperations(base: directory)
        try PNGFile.write(first, to: url, writer: SafeFileWriter(operations: operations))
        XCTAssertEqual(operations.trace, ["lstat out.png", "open TEMP", "write TEMP", "fsync TEMP", "close TEMP",
                                          "link TEMP out.png", "unlink TEMP", "fsync-directory ."])
        XCTAssertEqual(try PNGFile.read(from: url).image, first)
    }
}
