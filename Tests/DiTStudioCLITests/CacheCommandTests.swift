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
}
