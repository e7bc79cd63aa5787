import Foundation
import StudioCore
import XCTest

/// `--cache` on the command line with the real engine on the tiny reference model (which has no
/// calibration: the levels fall back to block reuse, with a notice): bad values exit 2 and name the
/// flag, cached images record their level and `--from` makes them again bit for bit, and a broken
/// calibration in studio.json names its key.
final class CacheCommandTests: XCTestCase {
    func testBadLevelsExitTwoNamingTheFlag() throws {
        let commands: [[String]] = [
            ["generate", "x"], ["edit", "--image", "in.png", "--mode", "img2img"], ["run", "final"], ["evaluate"],
            ["evaluate-regions"], ["evaluate-edits"],
        ]
        for command in commands {
            let result = try runDiTStudio(command + ["--cache", "turbo"])
            XCTAssertEqual(result.status, 2, "\(command): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("The value 'turbo' is invalid for '--cache <level>'"), result.standardError)
            XCTAssertTrue(result.standardError.contains("off"), result.standardError)
        }
    }

    func testACachedImageRecordsItsLevelAndFromMakesItAgainBitForBit() throws {
        let directory = try makeScratchDirectory(for: self)
        let plain = directory.appendingPathComponent("plain.png").path
        let cached = directory.appendingPathComponent("cached.png").path
        let again = directory.appendingPathComponent("again.png").path
        let common = ["generate", "a large red circle", "--model", fixtureModel.path, "--seed", "7", "--steps", "6", "--cfg", "3"]
        XCTAssertEqual(try runDiTStudio(common + ["--out", plain]).status, 0)
        let made = try runDiTStudio(common + ["--cache", "faster", "--out", cached])
        XCTAssertEqual(made.status, 0, made.standardError)
        XCTAssertTrue(made.standardError.contains("no calibration for cache level 'faster'"), made.standardError)

        let metadata = try ImageMetadata(contentsOf: URL(fileURLWithPath: cached))
        XCTAssertEqual(metadata.provenance?.parameters.caching, .faster)
        XCTAssertTrue(try XCTUnwrap(metadata.parametersText).contains("Caching: faster"))
        let first = try PNGFile.read(from: URL(fileURLWithPath: cached)).image
        XCTAssertNotEqual(first, try PNGFile.read(from: URL(fileURLWithPath: plain)).image, "the cache changed the computation")

        let remade = try runDiTStudio(["generate", "--from", cached, "--out", again])
        XCTAssertEqual(remade.status, 0, remade.standardError)
        XCTAssertEqual(try PNGFile.read(from: URL(fileURLWithPath: again)).image, first, "--from must reproduce a cached image bit for bit")
        let off = try runDiTStudio(["generate", "--from", cached, "--cache", "off", "--out", again + ".png"])
        XCTAssertEqual(off.status, 0, off.standardError)
        XCTAssertEqual(try PNGFile.read(from: URL(fileURLWithPath: again + ".png")).image,
                       try PNGFile.read(from: URL(fileURLWithPath: plain)).image, "--cache off with --from is the plain image")
    }

    func testABrokenCalibrationInStudioJSONNamesItsKey() throws {
        let directory = try makeScratchDirectory(for: self)
        let model = try copyOfFixtureModel(in: directory)
        try Data("{\"cache\": {\"fast\": {\"residual_threshold\": -1}}}".utf8).write(to: model.appendingPathComponent("studio.json"))
        let result = try runDiTStudio(["generate", "x", "--model", model.path, "--cache", "fast",
                                       "--out", directory.appendingPathComponent("x.png").path])
        XCTAssertEqual(result.status, 2, result.standardError)
        XCTAssertTrue(result.standardError.contains("key 'cache.fast.residual_threshold': must be a number ≥ 0 (got -1.0)"),
                      result.standardError)
    }

    /// The one JSON object of an evaluation's line that has `key` equal to `value` (or its only line).
    private func jsonLine(_ output: String, _ key: String? = nil, _ value: String? = nil) throws -> [String: Any] {
        let objects = try output.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0))
        }
        guard let key else { return try XCTUnwrap(objects.count == 1 ? objects.first : nil, output) }
        return try XCTUnwrap(objects.first { $0[key] as? String == value }, output)
    }

    /// A model that never draws a scene the detector recognises (the tiny random-weight fixture) ends
    /// `evaluate-edits` with exit status 2 and a message, after a bounded number of draws, instead of
    /// redrawing sources for ever.
    func testEvaluateEditsGivesUpOnAModelWithoutUsableSources() throws {
        let result = try runDiTStudio(["evaluate-edits", "--model", fixtureModel.path, "--n", "1", "--part", "inpaint"])
        XCTAssertEqual(result.status, 2, result.standardError)
        XCTAssertTrue(result.standardError.contains("only 0 of 1 usable cases after 40 draws"), result.standardError)
    }

    /// `evaluate-regions --save DIR`: every image and one record per layout, whose verdicts add up to
    /// the counts it reports; a folder that cannot be written is refused with exit status 2.
    func testEvaluateRegionsSavesImagesAndRecords() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let folder = directory.appendingPathComponent("placement")
        let result = try runDiTStudio(["evaluate-regions", "--model", fixtureModel.path, "--n", "2", "--json", "--save", folder.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        let counts = try jsonLine(result.standardOutput)
        let lines = try String(contentsOf: folder.appendingPathComponent("records.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertEqual(lines.count, 2)
        var boxes = 0, regional = 0, plain = 0
        for (index, line) in lines.enumerated() {
            XCTAssertEqual(line["index"] as? Int, index)
            let layoutBoxes = try XCTUnwrap(line["boxes"] as? [[String: Any]])
            boxes += layoutBoxes.count
            for kind in ["regional", "plain"] {
                let found = try XCTUnwrap((line[kind] as? [String: Any])?["found"] as? [Bool], kind)
                XCTAssertEqual(found.count, layoutBoxes.count)
                if kind == "regional" { regional += found.filter { $0 }.count } else { plain += found.filter { $0 }.count }
                let png = folder.appendingPathComponent(String(format: "%03d-%@.png", index, kind))
                XCTAssertTrue(FileManager.default.fileExists(atPath: png.path), png.path)
            }
        }
        XCTAssertEqual(counts["boxes"] as? Int, boxes)
        XCTAssertEqual(counts["regional"] as? Int, regional)
        XCTAssertEqual(counts["plain"] as? Int, plain)

        let aFile = directory.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: aFile)
        let refused = try runDiTStudio(["evaluate-regions", "--model", fixtureModel.path, "--n", "1", "--save", aFile.path])
        XCTAssertEqual(refused.status, 2, refused.standardError)
        XCTAssertTrue(refused.standardError.contains("--save \(aFile.path): cannot write there"), refused.standardError)
    }

    /// `evaluate-regions --cache`: both the regional and the plain runs use the level (here the fixture
    /// model's uncalibrated block reuse: 20 steps, every other step reuses a range, the first and last
    /// computed in full), the JSON records it with the cache's counts, and `off` counts nothing.
    func testEvaluateRegionsAppliesAndRecordsItsCacheLevel() throws {
        let common = ["evaluate-regions", "--model", fixtureModel.path, "--n", "2", "--json"]
        let off = try runDiTStudio(common)
        XCTAssertEqual(off.status, 0, off.standardError)
        let plain = try jsonLine(off.standardOutput)
        XCTAssertEqual(plain["cache"] as? String, "off")
        XCTAssertEqual(plain["cache_forwards"] as? Int, 0)

        let faster = try runDiTStudio(common + ["--cache", "faster"])
        XCTAssertEqual(faster.status, 0, faster.standardError)
        XCTAssertTrue(faster.standardError.contains("no calibration for cache level 'faster'"), faster.standardError)
        let cached = try jsonLine(faster.standardOutput)
        XCTAssertEqual(cached["cache"] as? String, "faster")
        XCTAssertEqual(cached["boxes"] as? Int, plain["boxes"] as? Int, "the same layouts at every level")
        // Per layout, at the built-in defaults (20 steps, 8 inject steps): the plain run's 20 batched
        // forwards, and the regional run's 20 plus 8, its first 8 steps running each branch on its own
        // (the regional branch's text is longer than the unconditional's, so they share no batch).
        XCTAssertEqual(cached["cache_forwards"] as? Int, 2 * (20 + (20 + 8)), faster.standardOutput)
        XCTAssertGreaterThan(try XCTUnwrap(cached["cache_reused_ranges"] as? Int), 0, faster.standardOutput)
        XCTAssertGreaterThan(try XCTUnwrap(cached["regional_cpu_s"] as? Double), 0, faster.standardOutput)
    }

    /// `evaluate-edits --cache` on the shipped model (calibrated: residual reuse): the edit runs with
    /// the level — one inpaint at strength 1 is 20 forwards, some skipping every block — while its
    /// source is generated uncached, and the JSON records the level.
    func testEvaluateEditsCachesTheEditsAndRecordsTheLevel() throws {
        let model = repositoryRoot.appendingPathComponent("Models/shapes-mmdit").path
        let result = try runDiTStudio(["evaluate-edits", "--model", model, "--n", "1", "--part", "inpaint",
                                       "--cache", "faster", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let inpaint = try jsonLine(result.standardOutput, "part", "inpaint")
        XCTAssertEqual(inpaint["cache"] as? String, "faster")
        XCTAssertEqual(inpaint["cases"] as? Int, 1)
        XCTAssertEqual(inpaint["cache_forwards"] as? Int, 20, result.standardOutput)
        XCTAssertGreaterThan(try XCTUnwrap(inpaint["cache_skipped_stacks"] as? Int), 0, result.standardOutput)
        XCTAssertEqual(inpaint["changed_outside"] as? Int, 0, "the cache must not reach outside the mask")
    }
}
