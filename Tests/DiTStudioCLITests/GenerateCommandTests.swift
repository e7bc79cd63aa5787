import Foundation
import StudioCore
import XCTest

/// `dit-studio generate` end to end with the real engine on a tiny reference model
/// (Tests/Fixtures/reference/latent_vae_a: a random SD3 transformer + AutoencoderKL made by
/// Training/reference/make_fixtures.py): the PNG's metadata, `--from` reproducing it bit for bit,
/// the default model and bad input.
final class GenerateCommandTests: XCTestCase {
    private let fixtureModel = repositoryRoot.appendingPathComponent("Tests/Fixtures/reference/latent_vae_a").path

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("GenerateTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    func testGenerateWritesBothMetadataChunksAndFromReproducesThePixels() throws {
        let directory = try temporaryDirectory()
        let first = directory.appendingPathComponent("first.png").path
        let again = directory.appendingPathComponent("again.png").path
        let made = try runDiTStudio(["generate", "a large red circle", "--model", fixtureModel, "--seed", "7",
                                     "--steps", "3", "--cfg", "3.5", "--shift", "2", "--out", first])
        XCTAssertEqual(made.status, 0, made.standardError)
        XCTAssertEqual(made.standardOutput, first + "\n")

        let metadata = try ImageMetadata(contentsOf: URL(fileURLWithPath: first))
        let provenance = try XCTUnwrap(metadata.provenance, "the dit-studio iTXt record")
        XCTAssertEqual(provenance.parameters.prompt, "a large red circle")
        XCTAssertEqual(provenance.parameters.seed, 7)
        XCTAssertEqual(provenance.parameters.steps, 3)
        XCTAssertEqual(provenance.parameters.guidance, 3.5)
        XCTAssertEqual(provenance.parameters.shift, 2)
        XCTAssertEqual(provenance.model?.name, "latent_vae_a")
        let parameters = try XCTUnwrap(metadata.parametersText, "the A1111 parameters chunk")
        XCTAssertTrue(parameters.hasPrefix("a large red circle\nSteps: 3, Sampler: Euler, CFG scale: 3.5, Seed: 7, Size: 32x32"), parameters)

        let remade = try runDiTStudio(["generate", "--from", first, "--out", again])
        XCTAssertEqual(remade.status, 0, remade.standardError)
        let a = try PNGFile.read(from: URL(fileURLWithPath: first)).image
        let b = try PNGFile.read(from: URL(fileURLWithPath: again)).image
        XCTAssertEqual(a, b, "--from must reproduce the image bit for bit")

        let changed = try runDiTStudio(["generate", "--from", first, "--seed", "8", "--out", again + ".png"])
        XCTAssertEqual(changed.status, 0, changed.standardError)
        XCTAssertNotEqual(try PNGFile.read(from: URL(fileURLWithPath: again + ".png")).image, a, "an option given with --from wins")
    }

    func testTheDefaultModelComesFromTheEnvironmentVariable() throws {
        let out = try temporaryDirectory().appendingPathComponent("default.png").path
        let result = try runDiTStudio(["generate", "a small blue square", "--seed", "1", "--steps", "2", "--out", out],
                                      environment: ["DIT_STUDIO_MODEL": fixtureModel])
        XCTAssertEqual(result.status, 0, result.standardError)
        let metadata = try ImageMetadata(contentsOf: URL(fileURLWithPath: out))
        XCTAssertEqual(metadata.provenance?.model?.name, "latent_vae_a")
        XCTAssertNil(metadata.provenance?.parameters.model, "the default model is recorded as the default")
    }

    func testBadInputExitsWithStatusTwoAndSaysWhy() throws {
        let notAModel = try temporaryDirectory()
        let cases: [([String], [String: String], String)] = [
            (["generate", "x", "--model", fixtureModel, "--steps", "0"], [:], "--steps must be at least 1"),
            (["generate", "x", "--model", fixtureModel, "--size", "30x30"], [:], "multiples of 8"),
            (["generate", "x", "--model", fixtureModel, "--cfg=-1"], [:], "--cfg must be a number ≥ 0"),
            (["generate", "x", "--model", "/nonexistent/model"], [:], "no such directory"),
            (["generate", "x"], ["DIT_STUDIO_MODEL": notAModel.path], "holds no model_index.json"),
            (["generate", "--from", "/nonexistent.png"], [:], "no such file"),
            (["generate"], [:], "give a PROMPT"),
        ]
        for (arguments, environment, reason) in cases {
            let result = try runDiTStudio(arguments, environment: environment)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(reason), "\(arguments): \(result.standardError)")
            XCTAssertEqual(result.standardOutput, "", "\(arguments)")
        }
    }

    func testUnknownWordsAreNamedOnStandardError() throws {
        let out = try temporaryDirectory().appendingPathComponent("w.png").path
        let result = try runDiTStudio(["generate", "a red hexagon", "--model", fixtureModel, "--steps", "1", "--out", out])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("'hexagon'"), result.standardError)
    }
}
