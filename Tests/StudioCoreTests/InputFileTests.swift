import DiTEngine
import Foundation
import XCTest
@testable import StudioCore

/// Inputs are read only from regular files: a FIFO (which would block the open forever), a
/// directory or a device is refused by name, at once.
final class InputFileTests: XCTestCase {
    private func fifo(_ name: String) throws -> URL {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent(name)
        XCTAssertEqual(mkfifo(url.path, 0o644), 0)
        return url
    }

    /// The error `body` throws, failing the test if it takes more than 10 s (a blocked open).
    private func refusal(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                         _ body: @escaping @Sendable () throws -> Void) -> String {
        let message = Locked<String?>(nil)
        assertFinishes(within: 10, what, file: file, line: line) {
            do { try body() } catch { message.withLock { $0 = "\(error)" } }
        }
        guard let text = message.snapshot else {
            XCTFail("\(what): no error", file: file, line: line)
            return ""
        }
        return text
    }

    func testAFIFOIsRefusedByEveryReader() throws {
        let png = try fifo("image.png")
        XCTAssertEqual(refusal("PNG") { _ = try PNGFile.read(from: png) },
                       "\(png.path): cannot read PNG: it is a FIFO (named pipe), not a regular file; only regular files are read")
        XCTAssertEqual(refusal("metadata") { _ = try ImageMetadata(contentsOf: png) },
                       "\(png.path): cannot read PNG: it is a FIFO (named pipe), not a regular file; only regular files are read")
        let preset = try fifo("preset.toml")
        XCTAssertEqual(refusal("preset") { _ = try PresetLoader().load(contentsOf: preset, source: .user(path: preset.path)) },
                       "\(preset.path): cannot read: it is a FIFO (named pipe), not a regular file; only regular files are read")
        let theme = try fifo("theme.toml")
        XCTAssertTrue(refusal("theme") { _ = try ThemeLoader().load(contentsOf: theme, source: .user(path: theme.path)) }
                        .hasSuffix("it is a FIFO (named pipe), not a regular file; only regular files are read"))
        let model = try makeTemporaryDirectory(for: self)
        XCTAssertEqual(mkfifo(model.appendingPathComponent("studio.json").path, 0o644), 0)
        XCTAssertTrue(refusal("studio.json") { _ = try ModelStudioDefaults(modelDirectory: model) }.contains("FIFO"))
    }

    func testASessionWhoseJournalIsAFIFOIsRefused() throws {
        let fixture = try StudioFixture(testCase: self)
        let directory = fixture.store.directory(for: "2026-01-01-a")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(directory.appendingPathComponent("journal.jsonl").path, 0o644), 0)
        let store = fixture.store
        XCTAssertTrue(refusal("replay") { _ = try store.replay(of: "2026-01-01-a") }.contains("FIFO"))
        let worker = fixture.makeWorker()
        XCTAssertTrue(refusal("open") { _ = try Session.open(id: "2026-01-01-a", in: store, worker: worker) }.contains("FIFO"))
    }

    func testADirectoryAndADeviceAreRefusedByName() throws {
        let directory = try makeTemporaryDirectory(for: self)
        XCTAssertEqual(refusal("directory") { _ = try PNGFile.read(from: directory) },
                       "\(directory.path): cannot read PNG: it is a directory, not a regular file; only regular files are read")
        XCTAssertEqual(refusal("device") { _ = try PNGFile.read(from: URL(fileURLWithPath: "/dev/zero")) },
                       "/dev/zero: cannot read PNG: it is a character device, not a regular file; only regular files are read")
    }
}
