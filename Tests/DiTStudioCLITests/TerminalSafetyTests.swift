import Foundation
import XCTest

/// Every command that shows text from files shows it made safe: no ESC, no other control
/// character a terminal obeys, no bidirectional override — on standard output or standard error.
final class TerminalSafetyTests: XCTestCase {
    private func assertNoTerminalControls(_ result: CommandResult, _ label: String,
                                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(terminalControls(in: result.standardOutput), [], "\(label) stdout: \(result.standardOutput.debugDescription)",
                       file: file, line: line)
        XCTAssertEqual(terminalControls(in: result.standardError), [], "\(label) stderr: \(result.standardError.debugDescription)",
                       file: file, line: line)
    }

    /// Tests/Fixtures/png/hostile_text.png (make_hostile_png_fixture.py): a title-setting OSC, a
    /// clear-screen CSI, CR and BS in a tEXt chunk and its keyword; ESC in an iTXt language tag and
    /// translated keyword; U+202E, U+009B and U+200B in its text; a zTXt chunk libpng drops.
    func testInfoOnAPNGWithHostileTextChunks() throws {
        let result = try runDiTStudio(["info", "Tests/Fixtures/png/hostile_text.png"])
        XCTAssertEqual(result.status, 0, result.standardError)
        assertNoTerminalControls(result, "info")
        XCTAssertTrue(result.standardOutput.contains("""
            [tEXt] Comm^[ent
            hello ^[]0;pwned^G ^[[2J^Mover^Hwritten
            """), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("[iTXt] Title (e^[n) “tk^[[31m”\n<U+202E>evil<U+009B>31m zero<U+200B>width"),
                      result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("Text chunks: 2\nLeft out: 1 text chunk could not be read and was left out (libpng: zTXt: "),
                      result.standardOutput)
    }

    /// A safetensors file whose metadata and tensor names hold escape sequences and line breaks
    /// (written as JSON escapes, so the header is valid JSON).
    func testInfoOnSafeTensorsWithHostileMetadataAndTensorNames() throws {
        let header = #"{"__metadata__":{"note\u001b]0;pwned\u0007":"line one\nline two\u001b[2J"},"#
            + #""evil\u001b[31mname\u202e":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: [0, 0, 128, 63])  // 1.0
        let url = try makeScratchDirectory(for: self).appendingPathComponent("hostile.safetensors")
        try data.write(to: url)

        let result = try runDiTStudio(["info", url.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        assertNoTerminalControls(result, "info")
        XCTAssertTrue(result.standardOutput.contains("  note^[]0;pwned^G: line one^Jline two^[[2J\n"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("  evil^[[31mname<U+202E>  F32    [1]\n"), result.standardOutput)
    }

    func testInfoOnAModelDirectoryWithHostileComponentNames() throws {
        let directory = try makeScratchDirectory(for: self)
        try Data(#"{"_class_name":"Pipe\u001b[2Jline","text\u001b]0;x\u0007":["lib\u009b","Cls"]}"#.utf8)
            .write(to: directory.appendingPathComponent("model_index.json"))
        let result = try runDiTStudio(["info", directory.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        assertNoTerminalControls(result, "info")
        XCTAssertTrue(result.standardOutput.contains("Model:      Pipe^[[2Jline\n"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("  text^[]0;x^G: lib<U+009B> Cls  (missing folder)"), result.standardOutput)
    }

    /// A user preset and theme whose names and descriptions hold escape sequences (TOML escapes),
    /// and a preset file with a raw ESC (refused: TOML forbids it), listed by `presets` and `themes`.
    func testPresetAndThemeListingsWithHostileNames() throws {
        let config = try makeScratchDirectory(for: self)
        let presets = config.appendingPathComponent("dit-studio/presets", isDirectory: true)
        let themes = config.appendingPathComponent("dit-studio/themes", isDirectory: true)
        try FileManager.default.createDirectory(at: presets, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try Data(#"""
            name = "evil\u001B]0;pwned\u0007"
            description = "clears\u001B[2J\nthe screen"
            [settings]
            prompt_template = "{prompt}\u001B[8m hidden"
            """#.utf8).write(to: presets.appendingPathComponent("evil.toml"))
        try Data("name = \"raw\"\ndescription = \"a raw \u{1B}[2J escape\"\n".utf8).write(to: presets.appendingPathComponent("raw.toml"))
        try Data(#"""
            name = "blink\u001B[5m"
            description = "\u202Eesrever"
            inherits = "dusk"
            """#.utf8).write(to: themes.appendingPathComponent("blink.toml"))
        let environment = ["XDG_CONFIG_HOME": config.path]

        let listing = try runDiTStudio(["presets", "--verbose"], environment: environment)
        XCTAssertEqual(listing.status, 2, "raw.toml is refused: \(listing.standardError)")
        assertNoTerminalControls(listing, "presets")
        XCTAssertTrue(listing.standardOutput.contains("evil^[]0;pwned^G"), listing.standardOutput)
        XCTAssertTrue(listing.standardOutput.contains("clears^[[2J^Jthe screen\n"), listing.standardOutput)
        XCTAssertTrue(listing.standardOutput.contains("template “{prompt}^[[8m hidden”"), listing.standardOutput)
        XCTAssertTrue(listing.standardError.contains("raw.toml:2:22: invalid TOML: control character U+001B (ESC) is not allowed in TOML; "
                                                     + "remove it (in `description = \"a raw ^[[2J escape\"`)"), listing.standardError)

        let themeListing = try runDiTStudio(["themes"], environment: environment)
        XCTAssertEqual(themeListing.status, 0, themeListing.standardError)
        assertNoTerminalControls(themeListing, "themes")
        XCTAssertTrue(themeListing.standardOutput.contains("  blink^[[5m"), themeListing.standardOutput)
        XCTAssertTrue(themeListing.standardOutput.contains("<U+202E>esrever"), themeListing.standardOutput)
    }

    /// The unknown-word warning quotes the prompt's words; a prompt (or a `--from` image's) may
    /// hold escape sequences.
    func testGeneratesUnknownWordWarningWithAHostilePrompt() throws {
        let out = try makeScratchDirectory(for: self).appendingPathComponent("w.png").path
        let result = try runDiTStudio(["generate", "a red \u{1B}]0;pwned\u{7}hexagon\u{1B}[2J", "--model", fixtureModel.path,
                                       "--steps", "1", "--out", out])
        XCTAssertEqual(result.status, 0, result.standardError)
        assertNoTerminalControls(result, "generate")
        XCTAssertTrue(result.standardError.contains("warning: prompt: the model does not know"), result.standardError)
        XCTAssertTrue(result.standardError.contains("^["), result.standardError)
        // The image keeps the prompt exactly.
        let again = try runDiTStudio(["info", out])
        XCTAssertTrue(again.standardOutput.contains("a red ^[]0;pwned^Ghexagon^[[2J"), again.standardOutput)
    }

    /// All output goes through Console (which sanitises): no command file writes to standard output
    /// or standard error another way. Only the progress bar (its own text) and Console itself may.
    func testNoCommandWritesAroundTheSanitiser() throws {
        let folder = repositoryRoot.appendingPathComponent("Sources/DiTStudioCLI")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        XCTAssertGreaterThanOrEqual(files.count, 10)
        let forbidden = ["FileHandle.standardError.write", "FileHandle.standardOutput.write", "Swift.print", "fputs(", "fwrite(",
                         "putchar(", "puts(", "write(STDOUT", "write(STDERR", ", to: &"]
        for name in files where name != "Console.swift" {
            let source = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for pattern in forbidden where source.contains(pattern) {
                if name == "ProgressBar.swift" && pattern == "FileHandle.standardError.write" { continue }
                XCTFail("\(name) writes with \(pattern); write through Console (or print, which does)")
            }
            if source.contains("writeTrusted") && !["ThemesCommand.swift", "DiTStudio.swift"].contains(name) {
                XCTFail("\(name) uses Console.writeTrusted, meant only for theme swatches and help text")
            }
        }
    }
}
