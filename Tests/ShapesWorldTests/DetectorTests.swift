import DiTEngine
import XCTest
@testable import ShapesWorld

final class DetectorTests: XCTestCase {
    func testEveryGroundTruthSceneAdheresToItsCaption() {
        var rng = SeededGenerator(seed: 7)
        let detector = Detector()
        for i in 0..<300 {
            let scene = Scene.random(objects: 1 + i % 3, using: &rng)
            let j = detector.judge(pixels: scene.render(), width: 64, height: 64, caption: scene.caption)
            XCTAssertTrue(j.adheres, "scene \(i): \(scene.caption.text) → \(j)")
        }
    }

    func testWrongAttributesAreRejected() throws {
        let scene = Scene(background: "white", objects: [
            .init(size: .large, colour: "red", shape: .circle, position: "at the top left", cx: 0.25, cy: 0.25),
            .init(size: .small, colour: "blue", shape: .square, position: "in the center", cx: 0.5, cy: 0.5),
        ])
        let pixels = scene.render()
        let d = Detector()
        func adheres(_ text: String) throws -> Bool {
            d.judge(pixels: pixels, width: 64, height: 64, caption: try Caption(parsing: text)).adheres
        }
        XCTAssertTrue(try adheres(scene.caption.text))
        XCTAssertTrue(try adheres("a small blue square and a large red circle"), "positions and background may be omitted")
        XCTAssertFalse(try adheres("a large green circle at the top left"), "wrong colour")
        XCTAssertFalse(try adheres("a large red square at the top left"), "wrong shape")
        XCTAssertFalse(try adheres("a small red circle at the top left"), "wrong size")
        XCTAssertFalse(try adheres("a large red circle at the top right"), "wrong position")
        XCTAssertFalse(try adheres("a large red circle on a black background"), "wrong background")
        XCTAssertFalse(try adheres("a large red circle and a large red circle"), "one region cannot satisfy two objects")
    }

    func testRegionMeasurementsOfADrawnSquare() {
        // A large square: half-side 0.85·0.18·64 = 9.79 px around (32, 32) → pixel centres 22.5…41.5, 20×20 px.
        let scene = Scene(background: "black", objects: [
            .init(size: .large, colour: "yellow", shape: .square, position: "in the center", cx: 0.5, cy: 0.5),
        ])
        let (regions, bg) = Detector().regions(pixels: scene.render(), width: 64, height: 64)
        XCTAssertEqual(bg, "black")
        XCTAssertEqual(regions.count, 1)
        XCTAssertEqual(regions.first?.area, 400)
        XCTAssertEqual(regions.first?.fill, 1.0)
        XCTAssertEqual(regions.first?.shape, .square)
        XCTAssertEqual(regions.first?.size, .large)
        XCTAssertEqual(regions.first?.position, "in the center")
    }

    func testCaptionParsing() throws {
        let c = try Caption(parsing: "A large red circle at the top left and a small blue  square on a beige background")
        XCTAssertEqual(c.background, "beige")
        XCTAssertEqual(c.objects, [
            .init(size: .large, colour: "red", shape: .circle, position: "at the top left"),
            .init(size: .small, colour: "blue", shape: .square, position: nil),
        ])
        XCTAssertEqual(c.text, "a large red circle at the top left and a small blue square on a beige background")
        XCTAssertThrowsError(try Caption(parsing: "a huge red circle")) { error in
            XCTAssertEqual(error as? Caption.ParseError, .unknownWord("huge", in: "a huge red circle"))
        }
        XCTAssertThrowsError(try Caption(parsing: "red circle"))
        XCTAssertThrowsError(try Caption(parsing: "a small red circle somewhere"))
    }
}
