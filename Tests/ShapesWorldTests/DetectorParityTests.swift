import Foundation
import StudioCore
import XCTest
@testable import ShapesWorld

/// The Swift detector must judge exactly as the Python one that scores training (Training/shapes_world.py).
/// Fixtures: Tests/Fixtures/shapes/, written by `python3 Training/reference/make_detector_fixtures.py` —
/// blurred, noisy, colour-cast and damaged scenes with true and mutated captions, scenes drawn with one thing
/// changed (swapped, dropped, moved, resized, added, recoloured), and the Python verdicts and failure classes.
final class DetectorParityTests: XCTestCase {
    private struct Record: Decodable {
        struct PyRegion: Decodable {
            var colour: String, area: Int, fill: Double, cx: Double, cy: Double
            var shape: String, size: String, position: String
        }
        var image: String
        var caption: String
        var objects_found: [Bool]
        var background_ok: Bool?
        var detected_background: String
        var errors: [String]
        var regions: [PyRegion]
    }

    private let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/shapes")

    func testSwiftDetectorAgreesWithPythonOnEveryFixture() throws {
        let records = try JSONDecoder().decode([Record].self,
                                               from: Data(contentsOf: folder.appendingPathComponent("judgements.json")))
        XCTAssertGreaterThanOrEqual(records.count, 30)
        XCTAssertTrue(records.contains { $0.objects_found.allSatisfy { $0 } }, "fixtures need adhering images")
        XCTAssertTrue(records.contains { !$0.objects_found.allSatisfy { $0 } }, "fixtures need failing images")
        let detector = Detector()
        for r in records {
            let png = try PNGFile.read(from: folder.appendingPathComponent(r.image))
            let (w, h, px) = (png.image.width, png.image.height, png.image.pixels)
            let (regions, background) = detector.regions(pixels: px, width: w, height: h)
            XCTAssertEqual(background, r.detected_background, r.image)
            XCTAssertEqual(regions.count, r.regions.count, "\(r.image): region count")
            for (s, p) in zip(regions, r.regions) {
                XCTAssertEqual(s.colour, p.colour, r.image)
                XCTAssertEqual(s.area, p.area, r.image)
                XCTAssertEqual(s.fill, p.fill, accuracy: 1e-9, r.image)
                XCTAssertEqual(s.cx, p.cx, accuracy: 1e-9, r.image)
                XCTAssertEqual(s.cy, p.cy, accuracy: 1e-9, r.image)
                XCTAssertEqual(s.shape.rawValue, p.shape, r.image)
                XCTAssertEqual(s.size.rawValue, p.size, r.image)
                XCTAssertEqual(s.position, p.position, r.image)
            }
            let j = detector.judge(pixels: px, width: w, height: h, caption: try Caption(parsing: r.caption))
            XCTAssertEqual(j.objectsFound, r.objects_found, "\(r.image): \(r.caption)")
            XCTAssertEqual(j.backgroundCorrect, r.background_ok, "\(r.image): \(r.caption)")
            let d = detector.diagnose(pixels: px, width: w, height: h, caption: try Caption(parsing: r.caption))
            XCTAssertEqual(d.judgement, j, r.image)
            XCTAssertEqual(d.errors.map(\.rawValue), r.errors, "\(r.image): failure classes of “\(r.caption)”")
        }
        // The fixtures must exercise every failure class, or the parity above proves little.
        let seen = Set(records.flatMap(\.errors))
        for c in FailureClass.allCases { XCTAssertTrue(seen.contains(c.rawValue), "no fixture shows “\(c.title)”") }
    }
}
