import Foundation
import XCTest

/// The result of running the built `dit-studio` binary.
struct CommandResult {
    /// The exit status (or, when a signal killed it, the signal's number: see `killedBy`).
    var status: Int32
    var standardOutput: String
    var standardError: String
    /// The signal that killed the process, when one did (then it did not exit by itself).
    var killedBy: Int32? = nil
}

/// Runs `dit-studio` (built next to this test bundle) with `arguments`, from the repository root.
/// `environment` entries are added to (or, with an empty value, removed from) this process's.
func runDiTStudio(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    // A generous deadline: a safety net against a hung child, not a timing.
    try RunningDiTStudio(arguments, environment: environment).finish(within: 900)
}

/// Where SwiftPM put the products (the test bundle sits among them).
var productsDirectory: URL {
    #if os(macOS)
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    fatalError("cannot find the products directory")
    #else
    return Bundle.main.bundleURL
    #endif
}

let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A `dit-studio` running in the background, for tests that must act while it runs (send a
/// signal) or must not hang (every wait has a deadline; past it the process is killed and the
/// test fails). Standard output and error are collected as they come.
final class RunningDiTStudio: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var output = Data()
    private var error = Data()
    private let readers = DispatchGroup()

    /// Starts `dit-studio arguments`. With `fileSizeLimit`, the child starts with that RLIMIT_FSIZE
    /// (bytes) and with SIGXFSZ at its default action (kill), as from a shell after `ulimit -f`:
    /// the limit is set on this process just around the spawn, and restored at once.
    init(_ arguments: [String], environment: [String: String] = [:], fileSizeLimit: Int? = nil) throws {
        process.executableURL = productsDirectory.appendingPathComponent("dit-studio")
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value.isEmpty ? nil : value }
        process.environment = merged
        process.currentDirectoryURL = repositoryRoot
        let outputPipe = Pipe(), errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        for (pipe, isOutput) in [(outputPipe, true), (errorPipe, false)] {
            readers.enter()
            Thread { [self] in
                let handle = pipe.fileHandleForReading
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.lock()
                    if isOutput { output.append(chunk) } else { error.append(chunk) }
                    lock.unlock()
                }
                readers.leave()
            }.start()
        }
        if let fileSizeLimit {
            var saved = rlimit()
            getrlimit(fileSizeResource, &saved)
            var limited = saved
            limited.rlim_cur = rlim_t(fileSizeLimit)
            let previousHandler = signal(SIGXFSZ, SIG_DFL)
            setrlimit(fileSizeResource, &limited)
            defer {
                setrlimit(fileSizeResource, &saved)
                signal(SIGXFSZ, previousHandler)
            }
            try process.run()
        } else {
            try process.run()
        }
    }

    private var fileSizeResource: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_FSIZE.rawValue) }

    var standardOutput: String { lock.lock(); defer { lock.unlock() }; return String(decoding: output, as: UTF8.self) }
    var standardError: String { lock.lock(); defer { lock.unlock() }; return String(decoding: error, as: UTF8.self) }

    /// Waits until `condition` holds (true) or `seconds` pass (false).
    func wait(upTo seconds: Double, for condition: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !condition() {
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    /// Whether the process has installed its own handler for `signal` (Linux: /proc's SigCgt mask),
    /// so that a signal sent now reaches that handler and not the default action.
    func catches(_ signal: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16) else {
            return false
        }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end (killing it after `seconds`, which fails the test) and
    /// returns what it did.
    func finish(within seconds: Double, file: StaticString = #filePath, line: UInt = #line) -> CommandResult {
        if !wait(upTo: seconds, for: { !process.isRunning }) {
            XCTFail("dit-studio did not end within \(seconds) s; stderr so far: \(standardError)", file: file, line: line)
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        _ = readers.wait(timeout: .now() + 10)
        return CommandResult(status: process.terminationStatus, standardOutput: standardOutput,
                             standardError: standardError,
                             killedBy: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil)
    }
}

/// Runs `dit-studio` to the end with a deadline (see `RunningDiTStudio`).
func runDiTStudio(_ arguments: [String], environment: [String: String] = [:], fileSizeLimit: Int? = nil,
                  within seconds: Double, file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
    try RunningDiTStudio(arguments, environment: environment, fileSizeLimit: fileSizeLimit)
        .finish(within: seconds, file: file, line: line)
}

/// A fresh directory for one test, removed afterwards.
func makeCLITemporaryDirectory(for testCase: XCTestCase, _ prefix: String = "CLITests") throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    return directory
}

/// A fresh directory under the system temporary directory, removed by the test case's teardown.
func makeScratchDirectory(for testCase: XCTestCase) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("CLITests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    return directory
}

/// The names in `directory`, sorted, hidden ones included (a temporary file left behind shows).
func namesIn(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

/// The tiny reference model (Tests/Fixtures/reference/latent_vae_a: a random SD3 transformer and
/// AutoencoderKL made by Training/reference/make_fixtures.py).
let fixtureModel = repositoryRoot.appendingPathComponent("Tests/Fixtures/reference/latent_vae_a")

/// A writable copy of the fixture model in `directory`, to break one file of.
func copyOfFixtureModel(in directory: URL) throws -> URL {
    let copy = directory.appendingPathComponent("model-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.copyItem(at: fixtureModel, to: copy)
    return copy
}

/// What a terminal would obey in `text`: ESC, the other C0 controls but line feed and tab, DEL,
/// C1, and the bidirectional overrides.
func terminalControls(in text: String) -> [Unicode.Scalar] {
    text.unicodeScalars.filter { scalar in
        let value = scalar.value
        return (value < 0x20 && value != 0x0A && value != 0x09) || (0x7F...0x9F).contains(value)
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}
