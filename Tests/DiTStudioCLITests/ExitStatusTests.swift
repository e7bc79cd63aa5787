import Foundation
import StudioCore
import XCTest

/// The exit statuses the README promises, command by command: 0 success; 2 when the input is
/// wrong (flags, files named, model directories and their configs and weights, studio.json,
/// presets, themes, images); 1 when the operation failed for another reason. Command-line mistakes
/// are followed by the command's usage; errors about files name the file (or chunk) and key,
/// without usage.
final class ExitStatusTests: XCTestCase {
    private struct Case {
        var arguments: [String]
        var environment: [String: String] = [:]
        var status: Int32
        /// A piece of the first line of standard error.
        var reason: String
        /// Whether usage follows (command-line mistakes only).
        var usage = false
    }

    private func check(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) throws {
        for c in cases {
            let result = try runDiTStudio(c.arguments, environment: c.environment)
            let label = c.arguments.joined(separator: " ")
            XCTAssertEqual(result.status, c.status, "\(label): \(result.standardError)", file: file, line: line)
            XCTAssertEqual(result.standardOutput, "", label, file: file, line: line)
            // Warnings and notes may come first (an unknown word in the prompt); then the error.
            let lines = result.standardError.split(separator: "\n").map(String.init)
            let before = lines.prefix { $0.hasPrefix("warning: ") || $0.hasPrefix("note: ") }
            let rest = Array(lines.dropFirst(before.count))
            let error = rest.first ?? ""
            XCTAssertTrue(error.hasPrefix("Error: "), "\(label): \(result.standardError)", file: file, line: line)
            XCTAssertTrue(error.contains(c.reason), "\(label): expected “\(c.reason)” in \(result.standardError)", file: file, line: line)
            XCTAssertEqual(result.standardError.contains("Usage: "), c.usage, "\(label): \(result.standardError)", file: file, line: line)
            if c.usage {
                XCTAssertTrue(rest.dropFirst().contains { $0.hasPrefix("Usage: dit-studio \(c.arguments[0])") },
                              "\(label): the command's own usage: \(result.standardError)", file: file, line: line)
            } else {
                XCTAssertEqual(rest.count, 1, "\(label): one line: \(result.standardError)", file: file, line: line)
            }
        }
    }

    func testSuccessHelpAndVersionExitZero() throws {
        // No arguments opens the studio, which needs a terminal (see InfoCommandTests).
        for arguments in [["--version"], ["--help"], ["generate", "--help"], ["presets"], ["themes"]] {
            let result = try runDiTStudio(arguments, environment: ["XDG_CONFIG_HOME": try makeScratchDirectory(for: self).path])
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.standardError)")
            XCTAssertFalse(result.standardOutput.isEmpty, "\(arguments)")
        }
    }

    func testInfo() throws {
        let scratch = try makeScratchDirectory(for: self)
        let text = scratch.appendingPathComponent("notes.txt")
        try Data("text".utf8).write(to: text)
        try check([
            Case(arguments: ["info", "/nonexistent.png"], status: 2, reason: "/nonexistent.png: no such file or directory"),
            Case(arguments: ["info", text.path], status: 2, reason: "not a PNG image or a safetensors file"),
            Case(arguments: ["info", scratch.path], status: 2, reason: "not a model directory"),
            Case(arguments: ["info", text.path, "--bogus"], status: 2, reason: "Unknown option '--bogus'", usage: true),
        ])
    }

    /// Every numeric flag's range is checked before anything is read, with the flag named.
    func testGenerateFlags() throws {
        let model = fixtureModel.path
        let scratch = try makeScratchDirectory(for: self)
        let file = scratch.appendingPathComponent("file")
        try Data().write(to: file)
        try check([
            Case(arguments: ["generate", "x", "--steps", "-1"], status: 2, reason: "--steps must be between 1 and 10000 (got -1)", usage: true),
            Case(arguments: ["generate", "x", "--steps", "10001"], status: 2, reason: "--steps must be between 1 and 10000 (got 10001)", usage: true),
            Case(arguments: ["generate", "x", "--cfg", "1e308"], status: 2, reason: "--cfg must be a number between 0 and 100 (got 1e+308)", usage: true),
            Case(arguments: ["generate", "x", "--cfg", "nan"], status: 2, reason: "--cfg must be a number between 0 and 100 (got nan)", usage: true),
            Case(arguments: ["generate", "x", "--shift", "1e-300"], status: 2, reason: "--shift must be a number between 0.01 and 100 (got 1e-300)", usage: true),
            Case(arguments: ["generate", "x", "--shift", "-3"], status: 2, reason: "--shift must be a number between 0.01 and 100 (got -3.0)", usage: true),
            Case(arguments: ["generate", "x", "--size", "9000x64"], status: 2, reason: "--size width and height must be between 1 and 8192 (got 9000x64)", usage: true),
            Case(arguments: ["generate", "x", "--seed", "-1"], status: 2, reason: "The value '-1' is invalid for '--seed <seed>'", usage: true),
            Case(arguments: ["generate", "x", "--model", file.path], status: 2,
                 reason: "--model \(file.path): is a file; expected a model directory (diffusers layout, with model_index.json)", usage: true),
            Case(arguments: ["generate", "x", "--model", "/nonexistent"], status: 2, reason: "--model /nonexistent: no such directory", usage: true),
            Case(arguments: ["generate", "--from", scratch.path], status: 2, reason: "is a directory; expected a PNG image", usage: true),
            Case(arguments: ["generate", "x", "--model", model, "--size", "30x30"], status: 2,
                 reason: "--size: size 30x30 is not usable: width and height must be positive multiples of 8", usage: true),
        ])
    }

    /// A model directory with one broken file: the file and key are named, status 2, no usage —
    /// whichever file it is (these used to exit 1 or 2 depending on which).
    func testGenerateWithABrokenModelDirectory() throws {
        let scratch = try makeScratchDirectory(for: self)
        func broken(_ relative: String, _ contents: String) throws -> URL {
            let model = try copyOfFixtureModel(in: scratch)
            try Data(contents.utf8).write(to: model.appendingPathComponent(relative))
            return model
        }
        /// A copy with `old` replaced by `new` in one of its files.
        func edited(_ relative: String, _ old: String, _ new: String) throws -> URL {
            let model = try copyOfFixtureModel(in: scratch)
            let url = model.appendingPathComponent(relative)
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertTrue(text.contains(old), "\(relative) holds \(old)")
            try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
            return model
        }
        let weights = try copyOfFixtureModel(in: scratch)
        let weightsURL = weights.appendingPathComponent("transformer/diffusion_pytorch_model.safetensors")
        try Data(contentsOf: weightsURL).prefix(100).write(to: weightsURL)
        let textEncoder = try edited("text_encoder/config.json", #""hidden_size": 24"#, #""hidden_size": "wide""#)
        let transformer = try edited("transformer/config.json", #""patch_size": 2"#, #""patch_size": 0"#)
        let studio = try broken("studio.json", #"{"width": 30, "height": 30}"#)
        let studioTypes = try broken("studio.json", #"{"steps": "many"}"#)
        let scheduler = try broken("scheduler/scheduler_config.json", #"{"shift": 0.0001}"#)
        let tokenizer = try broken("tokenizer/tokenizer.json", "{\"model\": \u{0}}")
        let out = scratch.appendingPathComponent("out.png").path
        try check([
            Case(arguments: ["generate", "x", "--model", weights.path, "--steps", "1", "--out", out], status: 2,
                 reason: "cannot read \(weightsURL.path): not a valid safetensors file: the header length"),
            Case(arguments: ["generate", "x", "--model", textEncoder.path, "--steps", "1", "--out", out], status: 2,
                 reason: "text_encoder/config.json: key 'hidden_size' must be an integer, got \"wide\""),
            Case(arguments: ["generate", "x", "--model", transformer.path, "--steps", "1", "--out", out], status: 2,
                 reason: "key 'patch_size' must be > 0, got 0"),
            Case(arguments: ["generate", "x", "--model", studio.path, "--steps", "1", "--out", out], status: 2,
                 reason: "\(studio.path)/studio.json: key 'width/height': size 30x30 is not usable"),
            Case(arguments: ["generate", "x", "--model", studioTypes.path, "--out", out], status: 2,
                 reason: "\(studioTypes.path)/studio.json: key 'steps': expected to decode Int but found a string instead"),
            Case(arguments: ["generate", "x", "--model", scheduler.path, "--steps", "1", "--out", out], status: 2,
                 reason: "\(scheduler.path)/scheduler/scheduler_config.json: key 'shift' must be a number between 0.01 and 100 (got 0.0001)"),
            Case(arguments: ["generate", "x", "--model", tokenizer.path, "--steps", "1", "--out", out], status: 2,
                 reason: "tokenizer.json: line 1, column 11: control character U+0000 (NUL) is not allowed in JSON"),
            Case(arguments: ["generate", "x"], environment: ["DIT_STUDIO_MODEL": scratch.path], status: 2, reason: "holds no model_index.json"),
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing was written")
    }

    /// Writing the image fails: not the input's fault.
    func testGenerateWhenTheImageCannotBeWritten() throws {
        try check([
            Case(arguments: ["generate", "x", "--model", fixtureModel.path, "--steps", "1", "--out", "/nonexistent-folder/x.png"],
                 status: 1, reason: "/nonexistent-folder/x.png: cannot write: No such file or directory"),
        ])
    }

    func testRunPresetsAndThemes() throws {
        let config = try makeScratchDirectory(for: self)
        let presets = config.appendingPathComponent("dit-studio/presets", isDirectory: true)
        let themes = config.appendingPathComponent("dit-studio/themes", isDirectory: true)
        try FileManager.default.createDirectory(at: presets, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try Data("name = \"nul\"\n\u{0}\n[settings]\nsteps = 3\n".utf8).write(to: presets.appendingPathComponent("nul.toml"))
        try Data("[colors]\naccent = \"orange\"\n".utf8).write(to: themes.appendingPathComponent("bad.toml"))
        let environment = ["XDG_CONFIG_HOME": config.path]
        let sessions = try makeScratchDirectory(for: self).path
        try check([
            Case(arguments: ["run", "no-such-preset", "--session-root", sessions], environment: environment, status: 2,
                 reason: "no preset called 'no-such-preset'"),
            Case(arguments: ["run", "nul", "--session-root", sessions], environment: environment, status: 2,
                 reason: "nul.toml:2:1: invalid TOML: control character U+0000 (NUL) is not allowed in TOML"),
            Case(arguments: ["run", "draft", "--steps", "0"], status: 2, reason: "--steps must be between 1 and 10000 (got 0)", usage: true),
            Case(arguments: ["run", "draft", "--model", "/nonexistent"], status: 2, reason: "--model /nonexistent: no such directory", usage: true),
        ])
        let listing = try runDiTStudio(["presets"], environment: environment)
        XCTAssertEqual(listing.status, 2)
        XCTAssertTrue(listing.standardError.contains("error: \(presets.path)/nul.toml:2:1: invalid TOML"), listing.standardError)
        let themeListing = try runDiTStudio(["themes"], environment: environment)
        XCTAssertEqual(themeListing.status, 2)
        XCTAssertTrue(themeListing.standardError.contains("error: \(themes.path)/bad.toml:2: key 'colors.accent': 'orange' is not a colour"),
                      themeListing.standardError)
    }

    func testBenchAndEvaluateFlags() throws {
        try check([
            Case(arguments: ["bench", "--runs", "0"], status: 2, reason: "--runs must be between 1 and 1000 (got 0)", usage: true),
            Case(arguments: ["bench", "--threads", "-2"], status: 2, reason: "--threads must be between 1 and 1024 (got -2)", usage: true),
            Case(arguments: ["bench", "--cfg", "1e39"], status: 2, reason: "--cfg must be a number between 0 and 100 (got inf)", usage: true),
            Case(arguments: ["evaluate", "--n", "0"], status: 2, reason: "--n must be between 1 and 10000 (got 0)", usage: true),
        ])
    }

    /// A relative XDG variable is ignored, as the specification says, and the user is told.
    func testARelativeXDGVariableIsIgnoredWithANotice() throws {
        let result = try runDiTStudio(["presets"], environment: ["XDG_CONFIG_HOME": "relative/config"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.hasPrefix("note: $XDG_CONFIG_HOME is a relative path ('relative/config'), which the XDG "
                                                     + "Base Directory specification says to ignore; using "), result.standardError)
        XCTAssertEqual(result.standardError.split(separator: "\n").count, 1, result.standardError)
    }
}
