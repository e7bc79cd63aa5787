import Foundation
import StudioCore
import XCTest

/// What `dit-studio` writes and reads, end to end: `--out` replaces only a regular file and only
/// with --overwrite (keeping its mode), refuses devices, FIFOs and links; inputs that are not
/// regular files are refused at once; a file-size limit and the stop signals end a command cleanly.
final class FileSafetyCommandTests: XCTestCase {
    private let fixtureModel = repositoryRoot.appendingPathComponent("Tests/Fixtures/reference/latent_vae_a").path

    private func generate(_ out: String, seed: Int = 1, steps: Int = 2, _ extra: [String] = []) throws -> CommandResult {
        try runDiTStudio(["generate", "a red circle", "--model", fixtureModel, "--seed", String(seed), "--steps", String(steps),
                          "--out", out] + extra, within: 120)
    }

    private func mode(_ path: String) -> mode_t {
        var status = stat()
        XCTAssertEqual(lstat(path, &status), 0, path)
        return status.st_mode
    }

    func testOutReplacesAnExistingFileOnlyWithOverwriteAndKeepsItsMode() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let out = directory.appendingPathComponent("image.png").path
        XCTAssertEqual(try generate(out, seed: 1).status, 0)
        let first = try Data(contentsOf: URL(fileURLWithPath: out))

        let refused = try generate(out, seed: 2)
        XCTAssertEqual(refused.status, 2, refused.standardError)
        XCTAssertEqual(refused.standardOutput, "")
        XCTAssertTrue(refused.standardError.contains("\(out): the file exists; pass --overwrite to replace it, or choose another name"),
                      refused.standardError)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), first, "untouched")

        XCTAssertEqual(chmod(out, 0o640), 0)
        let replaced = try generate(out, seed: 2, ["--overwrite"])
        XCTAssertEqual(replaced.status, 0, replaced.standardError)
        XCTAssertEqual(replaced.standardOutput, out + "\n")
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: out)), first)
        XCTAssertEqual(try ImageMetadata(contentsOf: URL(fileURLWithPath: out)).provenance?.parameters.seed, 2)
        XCTAssertEqual(mode(out) & 0o7777, 0o640, "the replaced file keeps its mode")
        XCTAssertEqual(try namesIn(directory), ["image.png"], "no temporary file")
    }

    func testOutNeverReplacesADeviceAFIFOOrASymbolicLink() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let weights = directory.appendingPathComponent("diffusion_pytorch_model.safetensors")
        try Data("weights".utf8).write(to: weights)
        let link = directory.appendingPathComponent("link.png").path
        XCTAssertEqual(symlink(weights.path, link), 0)
        let fifo = directory.appendingPathComponent("pipe.png").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        var cases: [(String, mode_t, String)] = [(link, S_IFLNK, "a symbolic link"), (fifo, S_IFIFO, "a FIFO (named pipe)")]
        // A character device with /dev/null's numbers, made here so that a broken build cannot replace the real one.
        let device = directory.appendingPathComponent("null.png").path
        if mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 { cases.append((device, S_IFCHR, "a character device")) }
        for (path, type, kind) in cases {
            for extra in [[], ["--overwrite"]] {
                let result = try generate(path, extra)
                XCTAssertEqual(result.status, 2, "\(path) \(extra): \(result.standardError)")
                XCTAssertTrue(result.standardError.contains("\(path): it is \(kind); dit-studio replaces only regular files"),
                              result.standardError)
                XCTAssertEqual(mode(path) & S_IFMT, type, "\(path) is still what it was")
            }
        }
        XCTAssertEqual(try Data(contentsOf: weights), Data("weights".utf8), "the link's target is untouched")
        XCTAssertFalse(try namesIn(directory).contains { $0.hasSuffix(".tmp") })
    }

    func testOutMustBeAPNGName() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        for name in ["image.jpg", "image", "image.png.txt"] {
            let result = try generate(directory.appendingPathComponent(name).path)
            XCTAssertEqual(result.status, 2, name)
            XCTAssertTrue(result.standardError.contains("the name must end in .png"), result.standardError)
        }
        XCTAssertEqual(try namesIn(directory), [])
    }

    func testInfoRefusesWhatIsNotARegularFileAtOnce() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let fifo = directory.appendingPathComponent("weights.safetensors").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        for (path, kind) in [(fifo, "a FIFO (named pipe)"), ("/dev/null", "a character device")] {
            let result = try runDiTStudio(["info", path], within: 30)
            XCTAssertEqual(result.status, 2, result.standardError)  // a path the user named: bad input
            XCTAssertEqual(result.standardOutput, "")
            XCTAssertTrue(result.standardError.contains("\(path): it is \(kind); only regular files and model directories are read"),
                          result.standardError)
        }
    }

    /// Under `ulimit -f`, the kernel used to kill `generate` with SIGXFSZ: no message, and the
    /// temporary file left behind.
    func testAFileSizeLimitEndsGenerateWithAMessageAndLeavesNothing() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let out = directory.appendingPathComponent("big.png").path
        let result = try runDiTStudio(["generate", "a red circle", "--model", fixtureModel, "--seed", "1", "--steps", "2",
                                       "--out", out], fileSizeLimit: 1024, within: 120)
        XCTAssertNil(result.killedBy, "killed by signal \(result.killedBy ?? 0)")
        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertEqual(result.standardOutput, "")
        XCTAssertTrue(result.standardError.contains("\(out): cannot write: \(String(cString: strerror(EFBIG)))"), result.standardError)
        XCTAssertTrue(result.standardError.contains("ulimit -f"), result.standardError)
        XCTAssertEqual(try namesIn(directory), [], "no image, no temporary file")
    }

    /// SIGQUIT used to print a crash backtrace and let the generation carry on. All three stop
    /// signals now stop it at a step boundary: no file, and 128 + the signal's number.
    func testStopSignalsEndGenerateCleanly() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        for (signal, name) in [(SIGQUIT, "SIGQUIT"), (SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            let out = directory.appendingPathComponent("\(name).png").path
            let running = try RunningDiTStudio(["generate", "a red circle", "--model", fixtureModel, "--seed", "1",
                                                "--steps", "10000", "--out", out])
            XCTAssertTrue(running.wait(upTo: 60) { running.catches(signal) }, "\(name): no handler installed")
            Thread.sleep(forTimeInterval: 1)  // well into sampling (10000 steps take far longer)
            running.send(signal)
            let result = running.finish(within: 60)
            XCTAssertNil(result.killedBy, name)
            XCTAssertEqual(result.status, 128 + signal, "\(name): \(result.standardError)")
            XCTAssertEqual(result.standardOutput, "")
            XCTAssertEqual(result.standardError, "interrupted by \(name); no image was written\n")
        }
        XCTAssertEqual(try namesIn(directory), [], "no image, no temporary file")
    }
}
