import XCTest
@testable import ShapesWorld

/// A tiny deterministic generator so the tests draw the same scenes every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Draws scenes by the SHAPES_WORLD rules (1–3 objects, distinct positions, no touching boxes).
private func randomScene(_ rng: inout SplitMix64, objects n: Int) -> Scene {
    while true {
        let bg = ShapesWorld.backgrounds.randomElement(using: &rng)!.name
        let colours = ShapesWorld.objectColours.map(\.name).filter { $0 != bg }
        let positions = ShapesWorld.positions.shuffled(using: &rng).prefix(n)
        let objects = positions.map { p in
            Scene.Object(size: ShapesWorld.Size.allCases.randomElement(using: &rng)!,
                         colour: colours.randomElement(using: &rng)!,
                         shape: ShapesWorld.Shape.allCases.randomElement(using: &rng)!, position: p.phrase,
                         cx: p.x + Double.random(in: -0.04...0.04, using: &rng),
                         cy: p.y + Double.random(in: -0.04...0.04, using: &rng))
        }
        let boxes = objects.map(bbox)
        var clear = true
        for i in boxes.indices { for j in boxes.indices where j > i {
            let gap = max(max(boxes[j].0 - boxes[i].2, boxes[i].0 - boxes[j].2), max(boxes[j].1 - boxes[i].3, boxes[i].1 - boxes[j].3))
            if gap * 64 < 1 { clear = false }
        } }
        if clear { return Scene(background: bg, objects: objects) }
    }
}

private func bbox(_ o: Scene.Object) -> (Double, Double, Double, Double) {
    let r = o.size.radius
    switch o.shape {
    case .circle: return (o.cx - r, o.cy - r, o.cx + r, o.cy + r)
    case .square: return (o.cx - 0.85 * r, o.cy - 0.85 * r, o.cx + 0.85 * r, o.cy + 0.85 * r)
    case .triangle: return (o.cx - 0.9 * r, o.cy - r, o.cx + 0.9 * r, o.cy + 0.8 * r)
    }
}

final class DetectorTests: XCTestCase {
    func testEveryGroundTruthSceneAdheresToItsCaption() {
        var rng = SplitMix64(state: 7)
        let detector = Detector()
        for i in 0..<300 {
            let scene = randomScene(&rng, objects: 1 + i % 3)
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
