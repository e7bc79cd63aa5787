import Foundation
import ShapesWorld
import StudioCore
import XCTest

/// `dit-studio evaluate` itself, on six items of the fixed caption set (Tests/Fixtures/evaluate, written by
/// `python3 Training/reference/make_evaluate_fixtures.py`): per object count one the shipped model gets
/// right and one it gets wrong, the PyTorch reference images and `Training/evaluate.py`'s records for them.
/// An evaluator that counted every caption as a success, mixed up seeds or captions, or misreported the
/// failure classes would not reproduce those records.
final class EvaluateCommandTests: XCTestCase {
    private let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/evaluate")
    private let model = repositoryRoot.appendingPathComponent("Models/shapes-mmdit").path

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("EvaluateTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    private func records(_ url: URL) throws -> [CaptionScore] {
        try String(decoding: Data(contentsOf: url), as: UTF8.self).split(separator: "\n")
            .map { try JSONDecoder().decode(CaptionScore.self, from: Data($0.utf8)) }
    }

    /// The reference records must hold both verdicts, or the checks below prove little.
    private func expected() throws -> [CaptionScore] {
        let expected = try records(fixtures.appendingPathComponent("expected.jsonl"))
        XCTAssertEqual(expected.count, 6)
        XCTAssertEqual(expected.filter(\.adheres).count, 3)
        XCTAssertEqual(Set(expected.map(\.objects)), [1, 2, 3])
        return expected
    }

    /// The summary lines must agree with the records: 1 of 2 captions per object count adheres. Intervals:
    /// scipy.stats.binomtest(1, 2) and (6, 6) .proportion_ci(method="wilson"), to 3 decimals.
    private func assertSummary(_ output: String, file: StaticString = #filePath, line: UInt = #line) {
        for name in ["one object", "two objects", "three objects"] {
            XCTAssertTrue(output.contains("\(name.padding(toLength: 14, withPad: " ", startingAt: 0)) 0.500  [0.095, 0.905]  (n = 2)"),
                          "\(name): \(output)", file: file, line: line)
        }
        XCTAssertTrue(output.contains("background     1.000  [0.610, 1.000]  (n = 6)"), output, file: file, line: line)
    }

    func testScoringTheReferenceImagesReproducesThePythonRecords() throws {
        let out = try temporaryDirectory().appendingPathComponent("records.jsonl")
        let result = try runDiTStudio(["evaluate", "--captions", fixtures.appendingPathComponent("captions.json").path,
                                       "--score-images", fixtures.path, "--records", out.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(try records(out), try expected())
        assertSummary(result.standardOutput)
    }

    /// Generates the six captions through the Swift engine (torch noise, the studio defaults): the images
    /// match PyTorch's within one level and the records are the reference's, caption by caption.
    func testGeneratingTheCaptionsReproducesThePythonRecordsAndImages() throws {
        let directory = try temporaryDirectory()
        let out = directory.appendingPathComponent("records.jsonl"), images = directory.appendingPathComponent("images")
        let result = try runDiTStudio(["evaluate", "--model", model,
                                       "--captions", fixtures.appendingPathComponent("captions.json").path,
                                       "--records", out.path, "--save-images", images.path, "--show-failures"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let expected = try expected()
        XCTAssertEqual(try records(out), expected)
        assertSummary(result.standardOutput)
        for record in expected {
            let name = String(format: "%03d.png", record.id)
            let ours = try PNGFile.read(from: images.appendingPathComponent(name)).image.pixels
            let reference = try PNGFile.read(from: fixtures.appendingPathComponent(name)).image.pixels
            let worst = zip(ours, reference).map { abs(Int($0) - Int($1)) }.max() ?? 255
            XCTAssertLessThanOrEqual(worst, 1, "\(name): differs from the PyTorch reference by \(worst) levels")
            XCTAssertEqual(result.standardOutput.contains("✗ \(record.id) seed \(record.seed) "), !record.adheres,
                           "--show-failures lists exactly the failures")
        }
    }

    func testAMissingImageOrCaptionSetIsAOneLineError() throws {
        let empty = try temporaryDirectory()
        let missingImage = try runDiTStudio(["evaluate", "--captions", fixtures.appendingPathComponent("captions.json").path,
                                             "--score-images", empty.path])
        XCTAssertNotEqual(missingImage.status, 0)
        XCTAssertTrue(missingImage.standardError.contains(empty.appendingPathComponent("000.png").path), missingImage.standardError)
        XCTAssertTrue(missingImage.standardError.contains("NNN.png"), missingImage.standardError)

        let missingSet = try runDiTStudio(["evaluate", "--captions", empty.appendingPathComponent("none.json").path,
                                           "--score-images", fixtures.path])
        XCTAssertNotEqual(missingSet.status, 0)
        XCTAssertTrue(missingSet.standardError.contains("none.json"), missingSet.standardError)
        XCTAssertTrue(missingSet.standardError.contains("--captions"), missingSet.standardError)
    }
}
