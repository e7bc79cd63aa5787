import Foundation
import XCTest

/// `dit-studio` as a user runs it: output, exit status, one-line errors on stderr.
final class InfoCommandTests: XCTestCase {
    private func temporaryFile(_ name: String, _ data: Data) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("CLITests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// Exit status 2 (the file named is wrong), nothing on stdout, and exactly one line on stderr
    /// containing `reason`.
    private func assertFails(_ arguments: [String], with reason: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try runDiTStudio(arguments)
        XCTAssertEqual(result.status, 2, file: file, line: line)
        XCTAssertEqual(result.standardOutput, "", file: file, line: line)
        let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 2, "one line and its newline: \(result.standardError)", file: file, line: line)
        XCTAssertTrue(result.standardError.contains(reason), result.standardError, file: file, line: line)
    }

    func testVersion() throws {
        let result = try runDiTStudio(["--version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.standardOutput.hasPrefix("dit-studio "), result.standardOutput)
    }

    func testHelpPrintsTheCommandOverview() throws {
        let result = try runDiTStudio(["--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.standardOutput.contains("USAGE: dit-studio <subcommand>"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("info"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("studio (default)"), result.standardOutput)
    }

    /// No subcommand opens the studio, which needs a terminal: without one it says so in one line.
    func testNoSubcommandWithoutATerminalSaysTheStudioNeedsOne() throws {
        let result = try runDiTStudio([])
        XCTAssertEqual(result.status, 2, result.standardError)
        XCTAssertTrue(result.standardError.contains("the studio needs a terminal"), result.standardError)
    }

    func testBadArgumentsExitWithStatus2() throws {
        for arguments in [["info"], ["info", "--bogus", "x"], ["nosuchcommand"]] {
            let result = try runDiTStudio(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.hasPrefix("Error: "), result.standardError)
        }
    }

    func testPNGFromPillowShowsItsParametersVerbatim() throws {
        let result = try runDiTStudio(["info", "Tests/Fixtures/png/pillow_rgb8_parameters.png"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("PNG, 5x3, RGB 8-bit"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("""
            [tEXt] parameters
            a red circle on a blue square, flat colours
            Negative prompt: blurry
            Steps: 20, Sampler: Euler, CFG scale: 4.5, Seed: 1234, Size: 5x3, Model: shapes-mmdit

            [tEXt] Software
            Pillow
            """), result.standardOutput)
    }

    func testPNGWithInternationalText() throws {
        let result = try runDiTStudio(["info", "Tests/Fixtures/png/pillow_rgb8_ztxt_itxt.png"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("[iTXt] Title (ja) “\u{984C}\u{540D}”\n\u{732B}\u{3068}\u{5186}"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("[zTXt] Comment\ncaf\u{E9} cr\u{E8}me"), result.standardOutput)
    }

    func testSafeTensorsFileListsTensorsAndMetadata() throws {
        let result = try runDiTStudio(["info", "Tests/Fixtures/safetensors/mixed_dtypes.safetensors"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let output = result.standardOutput
        XCTAssertTrue(output.contains("Tensors:    10 (BF16 1, BOOL 1, F16 1, F32 3, F64 1, I32 1, I64 1, U8 1)"), output)
        XCTAssertTrue(output.contains("Parameters: 27, 96 bytes of data"), output)
        XCTAssertTrue(output.contains("  format: pt\n  note: fixture \u{E9}"), output)
        XCTAssertTrue(output.contains("  weight_f32   F32    [2, 3]"), output)
        XCTAssertTrue(output.contains("  scalar_f32   F32    []"), output)
    }

    func testModelDirectoryWalksModelIndexComponents() throws {
        let result = try runDiTStudio(["info", "Tests/Fixtures/safetensors/tiny_model"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let output = result.standardOutput
        XCTAssertTrue(output.contains("Model:      StableDiffusion3Pipeline, diffusers 0.42.1"), output)
        XCTAssertTrue(output.contains("  scheduler: (not set)"), output)
        XCTAssertTrue(output.contains("  tokenizer: transformers PreTrainedTokenizerFast  (no weights)"), output)
        XCTAssertTrue(output.contains("File:       transformer/diffusion_pytorch_model.safetensors"), output)
        XCTAssertTrue(output.contains("  pos_embed.proj.weight  F16    [4, 2, 2, 2]"), output)
        XCTAssertTrue(output.contains("  text_projection.weight                        BF16   [2, 2]"), output)
        XCTAssertTrue(output.hasSuffix("Total:      2 weight file(s), 5 tensors, 84 parameters\n"), output)

        let summary = try runDiTStudio(["info", "--summary", "Tests/Fixtures/safetensors/tiny_model"])
        XCTAssertFalse(summary.standardOutput.contains("pos_embed.proj.weight"), summary.standardOutput)
        XCTAssertTrue(summary.standardOutput.hasSuffix("84 parameters\n"), summary.standardOutput)
    }

    func testGarbageAndBrokenFilesFailWithOneLine() throws {
        try assertFails(["info", try temporaryFile("notes.txt", Data("just some text\n".utf8)).path],
                        with: "not a PNG image or a safetensors file")
        let png = try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/png/pillow_gray8.png"))
        try assertFails(["info", try temporaryFile("cut.png", png.prefix(50)).path], with: "cut.png: cannot read PNG: the file is truncated")
        var header = Data([16, 0, 0, 0, 0, 0, 0, 0])
        header.append(contentsOf: Array("{\"a\":".utf8))
        try assertFails(["info", try temporaryFile("cut.safetensors", header).path], with: "runs past the end")
        try assertFails(["info", "/nonexistent/file.png"], with: "/nonexistent/file.png: no such file or directory")
        let emptyDirectory = try temporaryFile("placeholder", Data()).deletingLastPathComponent()
        try assertFails(["info", emptyDirectory.path], with: "not a model directory")
    }
}
