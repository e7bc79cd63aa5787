import Foundation
import XCTest

/// The result of running the built `dit-studio` binary.
struct CommandResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs `dit-studio` (built next to this test bundle) with `arguments`, from the repository root.
/// `environment` entries are added to (or, with an empty value, removed from) this process's.
func runDiTStudio(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("dit-studio")
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    for (key, value) in environment { merged[key] = value.isEmpty ? nil : value }
    process.environment = merged
    process.currentDirectoryURL = repositoryRoot
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read before waiting so that a full pipe cannot stall the child.
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         standardOutput: String(decoding: outputData, as: UTF8.self),
                         standardError: String(decoding: errorData, as: UTF8.self))
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

/// A fresh directory under the system temporary directory, removed by the test case's teardown.
func makeScratchDirectory(for testCase: XCTestCase) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("CLITests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    return directory
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
