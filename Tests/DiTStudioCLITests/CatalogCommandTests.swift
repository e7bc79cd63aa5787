import Foundation
import XCTest

/// `dit-studio presets` and `dit-studio themes` as a user runs them: the shipped entries, a user's
/// file replacing a shipped one, and a hostile user file refused on standard error with status 2.
final class CatalogCommandTests: XCTestCase {
    /// An empty `XDG_CONFIG_HOME` with `dit-studio/<folder>` made; returns both.
    private func userFolder(_ folder: String) throws -> (config: URL, folder: URL) {
        let config = try makeScratchDirectory(for: self)
        let url = config.appendingPathComponent("dit-studio/\(folder)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return (config, url)
    }

    /// The rows of a listing: columns split on runs of two or more spaces.
    private func rows(_ output: String) -> [[String]] {
        output.split(separator: "\n").map { line in
            line.replacingOccurrences(of: "\\s{2,}", with: "\t", options: .regularExpression)
                .split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    func testPresetsListsTheShippedPresetsWithTheirJobCounts() throws {
        let (config, _) = try userFolder("presets")
        let result = try runDiTStudio(["presets"], environment: ["XDG_CONFIG_HOME": config.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardError, "")
        let table = rows(result.standardOutput)
        XCTAssertEqual(table.first, ["NAME", "SOURCE", "JOBS", "DESCRIPTION"])
        // The job counts of Presets/*.toml: one per image each preset's settings and script make.
        let expected: [(String, String)] = [("background-sweep", "4"), ("batch-of-eight", "8"), ("draft", "1"),
                                            ("draft-fix-variations", "6"), ("draft-then-final", "2"), ("final", "1"),
                                            ("guidance-sweep", "6"), ("layout-three-corners", "1"), ("layout-two-columns", "1"),
                                            ("on-white", "4"), ("recolour-each", "3"), ("shift-study", "5"), ("steps-ladder", "4")]
        XCTAssertEqual(table.dropFirst().map { $0[0] }, expected.map(\.0))
        XCTAssertEqual(table.dropFirst().map { $0[1] }, Array(repeating: "built-in", count: expected.count))
        XCTAssertEqual(table.dropFirst().map { $0[2] }, expected.map(\.1))
        XCTAssertTrue(table.dropFirst().allSatisfy { $0.count == 4 && !$0[3].isEmpty }, result.standardOutput)
        // The columns line up: every JOBS value ends where the header's does.
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let jobsEnd = try XCTUnwrap(lines[0].range(of: "JOBS")).upperBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() {
            let index = line.index(line.startIndex, offsetBy: jobsEnd - 1)
            XCTAssertTrue(line[index].isNumber && line[line.index(after: index)] == " ", line)
        }

        let verbose = try runDiTStudio(["presets", "--verbose"], environment: ["XDG_CONFIG_HOME": config.path])
        XCTAssertEqual(verbose.status, 0, verbose.standardError)
        XCTAssertTrue(verbose.standardOutput.contains("\ndraft  (\(repositoryRoot.path)/Presets/draft.toml)\n  steps 8 · "),
                      verbose.standardOutput)
    }

    func testAUserPresetReplacesAShippedOneAndAHostileOneIsRefused() throws {
        let (config, folder) = try userFolder("presets")
        try Data("description = \"Mine\"\n[settings]\nsteps = 3\n".utf8).write(to: folder.appendingPathComponent("draft.toml"))
        try Data("name = \"cut\"\u{0}\n[settings]\nsteps = 99\n".utf8).write(to: folder.appendingPathComponent("cut.toml"))
        let result = try runDiTStudio(["presets"], environment: ["XDG_CONFIG_HOME": config.path])
        XCTAssertEqual(result.status, 2, "a refused file makes the listing fail: \(result.standardError)")
        let draft = try XCTUnwrap(rows(result.standardOutput).first { $0.first == "draft" })
        XCTAssertEqual(draft, ["draft", "user", "1", "Mine"])
        XCTAssertFalse(rows(result.standardOutput).contains { $0.first == "cut" }, "the half-read preset is not offered: \(result.standardOutput)")
        XCTAssertEqual(result.standardError, "error: \(folder.path)/cut.toml:1:13: invalid TOML: control character U+0000 (NUL) "
                       + "is not allowed in TOML; remove it (in `name = \"cut\"^@`)\n")
    }

    func testThemesListsTheShippedThemesAndMarksTheActiveOne() throws {
        let (config, _) = try userFolder("themes")
        let result = try runDiTStudio(["themes"], environment: ["XDG_CONFIG_HOME": config.path, "NO_COLOR": ""])
        XCTAssertEqual(result.status, 0, result.standardError)
        let table = rows(result.standardOutput)
        XCTAssertEqual(table.first, ["NAME", "SOURCE", "DESCRIPTION"])
        XCTAssertEqual(table.dropFirst().map { $0[0] }, ["contrast", "* dusk", "mono", "paper"])
        XCTAssertEqual(table.dropFirst().map { $0[1] }, Array(repeating: "built-in", count: 4))
        XCTAssertFalse(result.standardOutput.contains("\u{1B}"), "no swatches when standard output is not a terminal")

        let noColor = try runDiTStudio(["themes"], environment: ["XDG_CONFIG_HOME": config.path, "NO_COLOR": "1"])
        XCTAssertEqual(rows(noColor.standardOutput).dropFirst().map { $0[0] }, ["contrast", "dusk", "* mono", "paper"])
    }

    func testAHostileUserThemeIsRefusedOnStandardError() throws {
        let (config, folder) = try userFolder("themes")
        try Data("name = \"glow\"\n[colors]\naccent = \"#ff\u{1B}[5m00\"\n".utf8).write(to: folder.appendingPathComponent("glow.toml"))
        let result = try runDiTStudio(["themes"], environment: ["XDG_CONFIG_HOME": config.path])
        XCTAssertEqual(result.status, 2)
        XCTAssertFalse(rows(result.standardOutput).contains { $0.first == "glow" }, result.standardOutput)
        XCTAssertEqual(result.standardError, "error: \(folder.path)/glow.toml:3:14: invalid TOML: control character U+001B (ESC) "
                       + "is not allowed in TOML; remove it (in `accent = \"#ff^[[5m00\"`)\n")
    }
}
