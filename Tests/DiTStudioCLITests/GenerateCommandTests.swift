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
            (["generate", "x", "--model", fixtureModel, "--steps", "0"], [:], "--steps must be between 1 and 10000 (got 0)"),
            (["generate", "x", "--model", fixtureModel, "--size", "30x30"], [:], "multiples of 8"),
            (["generate", "x", "--model", fixtureModel, "--cfg=-1"], [:], "--cfg must be a number between 0 and 100 (got -1.0)"),
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

    /// `--from` an image whose metadata is damaged or hostile: status 2 and the real reason, naming
    /// the chunk and the key; nothing written. Values a flag overrides are not checked.
    func testFromWithDamagedOrHostileMetadataSaysWhy() throws {
        let directory = try temporaryDirectory()
        let base = GenerateParameters(prompt: "a red circle", seed: 3, steps: 1, guidance: 2, shift: 1, width: 32, height: 32,
                                      model: fixtureModel)
        func record(_ change: (inout [String: Any]) -> Void) throws -> String {
            let provenance = ImageProvenance(session: nil, jobID: nil, kind: .generate, parameters: base, seedPolicy: .fixed,
                                             model: nil, createdAt: nil)
            var object = try XCTUnwrap(JSONSerialization.jsonObject(with: StudioJSON.encode(provenance)) as? [String: Any])
            change(&object)
            return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        func parameter(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
            { object in
                var parameters = object["parameters"] as? [String: Any] ?? [:]
                parameters[key] = value
                object["parameters"] = parameters
            }
        }
        func image(_ studio: String) throws -> String {
            let url = directory.appendingPathComponent("\(UUID().uuidString).png")
            try PNGFile.write(RGBImage(width: 2, height: 2),
                              textChunks: [PNGTextChunk(keyword: "dit-studio", text: studio, kind: .internationalText)], to: url)
            return url.path
        }
        let cases: [(String, [String], String)] = [
            (try image("{}"), [], "the 'dit-studio' chunk cannot be read: key 'format' is missing"),
            (try image(try record(parameter("steps", "many"))), [],
             "the 'dit-studio' chunk cannot be read: key 'parameters.steps' expected to decode Int but found a string instead"),
            (try image(String(repeating: "[", count: 50_000)), [],
             "the 'dit-studio' chunk cannot be read: nests arrays or objects more than 32 levels deep"),
            (try image(try record { $0["format"] = 9 }), [], "the 'dit-studio' chunk has format 9, written by a newer dit-studio"),
            (try image(try record(parameter("caching", "turbo"))), [],
             "the 'dit-studio' chunk: key 'parameters.caching': feature caching 'turbo' is not available in this engine yet"),
            (try image(try record { $0["kind"] = ["type": "edit", "edit": ["mode": "outpaint", "source": ["path": "a.png"], "strength": 0.5]] }), [],
             "the 'dit-studio' chunk cannot be read: key 'kind.edit.mode' cannot initialize EditMode from invalid String value outpaint"),
            (try image(try record(parameter("steps", 0))), [],
             "the 'dit-studio' chunk: key 'parameters.steps' must be between 1 and 10000 (got 0)"),
            (try image(try record(parameter("guidance", 1e308))), ["--steps", "2"],
             "the 'dit-studio' chunk: key 'parameters.guidance' must be a number between 0 and 100 (got 1e+308)"),
            (try image(try record(parameter("width", 30))), [],
             "the 'dit-studio' chunk: key 'parameters.width/height' size 30x32 is not usable: width and height must be positive multiples of 8"),
            (repositoryRoot.appendingPathComponent("Tests/Fixtures/png/hostile_text.png").path, [],
             "no 'dit-studio' or 'parameters' text chunk could be read: 1 text chunk could not be read and was left out (libpng: zTXt: "),
            (repositoryRoot.appendingPathComponent("Tests/Fixtures/png/pillow_gray8.png").path, [],
             "the image has neither a 'dit-studio' nor a 'parameters' text chunk"),
        ]
        let out = directory.appendingPathComponent("out.png").path
        for (path, flags, reason) in cases {
            let result = try runDiTStudio(["generate", "--from", path, "--out", out] + flags)
            XCTAssertEqual(result.status, 2, "\(reason): \(result.standardError)")
            // Notes may come first (the model the image names); then one line, without usage.
            let lines = result.standardError.split(separator: "\n").filter { !$0.hasPrefix("note: ") }
            XCTAssertEqual(lines.count, 1, "one line, no usage: \(result.standardError)")
            XCTAssertTrue(lines.first?.hasPrefix("Error: \(path): \(reason)") == true, result.standardError)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written for \(reason)")
        }

        // A flag overrides the value it replaces: the image's steps 0 is never used.
        let fixed = try runDiTStudio(["generate", "--from", try image(try record(parameter("steps", 0))), "--steps", "1", "--out", out])
        XCTAssertEqual(fixed.status, 0, fixed.standardError)
        XCTAssertTrue(fixed.standardError.contains("note: using the model the image names, \(fixtureModel)"), fixed.standardError)
    }
}
