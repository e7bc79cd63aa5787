import DiTEngine
import Foundation
import XCTest

/// The engine's readers (weights, configs, tokenizer) open only regular files: a FIFO would block
/// the open forever, so it must be refused by name before anything waits on it.
final class EngineInputFileTests: XCTestCase {
    private func directory() throws -> URL {
        try makeSafeTensorsTemporaryDirectory(for: self)
    }

    /// The error `body` throws, failing (instead of hanging) if it takes more than 10 s.
    private func refusal(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                         _ body: @escaping @Sendable () throws -> Void) -> String {
        let done = DispatchSemaphore(value: 0)
        let box = MessageBox()
        Thread {
            do { try body() } catch { box.set("\(error)") }
            done.signal()
        }.start()
        if done.wait(timeout: .now() + 10) == .timedOut {
            XCTFail("\(what) did not finish within 10 s", file: file, line: line)
            return ""
        }
        guard let text = box.get() else { XCTFail("\(what): no error", file: file, line: line); return "" }
        return text
    }

    func testInputFileReadsRegularFilesAndRefusesTheRest() throws {
        let folder = try directory()
        let regular = folder.appendingPathComponent("a.json")
        try Data("{}".utf8).write(to: regular)
        XCTAssertEqual(try InputFile.read(regular), Data("{}".utf8))
        XCTAssertEqual(try InputFile(url: regular).read(upTo: 1), Data("{".utf8))
        XCTAssertThrowsError(try InputFile.read(regular, maximumBytes: 1)) { error in
            XCTAssertEqual(error as? InputFileError, .tooLarge(path: regular.path, size: 2, limit: 1))
        }
        let fifo = folder.appendingPathComponent("pipe")
        XCTAssertEqual(mkfifo(fifo.path, 0o644), 0)
        XCTAssertEqual(refusal("FIFO") { _ = try InputFile.read(fifo) },
                       "\(fifo.path): it is a FIFO (named pipe), not a regular file; only regular files are read")
        XCTAssertThrowsError(try InputFile.read(folder)) { error in
            XCTAssertEqual(error as? InputFileError, .notARegularFile(path: folder.path, kind: "a directory"))
        }
        XCTAssertThrowsError(try InputFile.read(URL(fileURLWithPath: "/dev/null"))) { error in
            XCTAssertEqual(error as? InputFileError, .notARegularFile(path: "/dev/null", kind: "a character device"))
        }
        XCTAssertThrowsError(try InputFile.read(folder.appendingPathComponent("missing"))) { error in
            XCTAssertEqual(error as? InputFileError, .missing(path: folder.appendingPathComponent("missing").path))
        }
    }

    func testWeightsConfigsAndTokenizersThatAreFIFOsAreRefused() throws {
        let folder = try directory()
        let weights = folder.appendingPathComponent("model.safetensors")
        let config = folder.appendingPathComponent("config.json")
        let tokenizer = folder.appendingPathComponent("tokenizer.json")
        for url in [weights, config, tokenizer] { XCTAssertEqual(mkfifo(url.path, 0o644), 0) }
        XCTAssertEqual(refusal("safetensors") { _ = try SafeTensorsFile(url: weights) },
                       "\(weights.path): cannot open safetensors file: it is a FIFO (named pipe), not a regular file; only regular files are read")
        XCTAssertEqual(refusal("config") { _ = try ModelConfig(contentsOf: config, name: "config.json") },
                       "cannot read \(config.path): it is a FIFO (named pipe), not a regular file; only regular files are read")
        XCTAssertEqual(refusal("tokenizer") { _ = try Tokenizer(url: tokenizer) },
                       "cannot read \(tokenizer.path): it is a FIFO (named pipe), not a regular file; only regular files are read")
    }
}

/// A message handed from a helper thread, behind a lock.
private final class MessageBox: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?
    func set(_ value: String) { lock.lock(); text = value; lock.unlock() }
    func get() -> String? { lock.lock(); defer { lock.unlock() }; return text }
}
