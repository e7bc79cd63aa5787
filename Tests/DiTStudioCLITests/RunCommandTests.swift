import Foundation
import StudioCore
import XCTest

/// `dit-studio run PRESET` headless with the real engine: every shipped preset runs on the shipped
/// model (with one step per image, to keep CI quick), writes its images and prints their paths.
final class RunCommandTests: XCTestCase {
    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("RunTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    func testEveryShippedPresetRunsOnTheShippedModel() throws {
        let presets = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Presets").path)
            .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
        XCTAssertGreaterThanOrEqual(presets.count, 5)
        let root = try temporaryDirectory()
        for name in presets {
            let result = try runDiTStudio(["run", name, "--steps", "1", "--seed", "3", "--session-root", root.path],
                                          environment: ["DIT_STUDIO_MODEL": ""])
            XCTAssertEqual(result.status, 0, "\(name): \(result.standardError)")
            let paths = result.standardOutput.split(separator: "\n").map(String.init)
            XCTAssertFalse(paths.isEmpty, "\(name) wrote no image")
            for path in paths {
                let metadata = try ImageMetadata(contentsOf: URL(fileURLWithPath: path))
                XCTAssertEqual(metadata.provenance?.model?.name, "shapes-mmdit", "\(name): \(path)")
            }
        }
    }

    func testOutDirAndBadPresetName() throws {
        let root = try temporaryDirectory()
        let out = root.appendingPathComponent("images")
        let model = repositoryRoot.appendingPathComponent("Tests/Fixtures/reference/latent_vae_a").path
        let result = try runDiTStudio(["run", "draft", "--prompt", "a red circle", "--steps", "1", "--model", model,
                                       "--out-dir", out.path, "--session-root", root.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        let path = result.standardOutput.trimmingCharacters(in: .newlines)
        XCTAssertTrue(path.hasPrefix(out.path + "/"), path)
        let provenance = try ImageMetadata(contentsOf: URL(fileURLWithPath: path)).provenance
        XCTAssertEqual(provenance?.parameters.prompt, "a red circle")
        XCTAssertEqual(provenance?.parameters.model, model, "--model is recorded, so --from finds the same model")

        let bad = try runDiTStudio(["run", "no-such-preset", "--session-root", root.path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.standardError.contains("no preset called 'no-such-preset'"), bad.standardError)
    }
}
