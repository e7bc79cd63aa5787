import StudioCore
import XCTest
@testable import StudioTUI

final class CanvasTests: XCTestCase {
    /// A 40×20-cell canvas at (10, 5): a 64×64 image fitted into a 40×20 pane is 40 px wide, 40 px = 20 rows tall.
    let geometry = CanvasGeometry(imageWidth: 64, imageHeight: 64, in: Rect(left: 10, top: 5, width: 40, height: 20))

    func testImageIsFittedAndCellsMapToFractions() {
        XCTAssertEqual(geometry.area, Rect(left: 10, top: 5, width: 40, height: 20))
        XCTAssertEqual(geometry.fraction(column: 10, row: 5).x, 0)
        XCTAssertEqual(geometry.fraction(column: 30, row: 15).x, 0.5)
        XCTAssertEqual(geometry.fraction(column: 30, row: 15).y, 0.5)
        XCTAssertEqual(geometry.fraction(column: 99, row: 99).x, 1, "clamped")
        XCTAssertEqual(geometry.fraction(column: 0, row: 0).y, 0, "clamped")
        let box = RegionBox(x0: 0.25, y0: 0.5, x1: 0.5, y1: 1)
        XCTAssertEqual(geometry.cells(of: box), Rect(left: 20, top: 15, width: 10, height: 10))
    }

    func testWideImageIsLetterboxed() {
        let wide = CanvasGeometry(imageWidth: 128, imageHeight: 64, in: Rect(left: 0, top: 0, width: 40, height: 20))
        XCTAssertEqual(wide.area.width, 40)
        XCTAssertEqual(wide.area.height, 10, "40 px wide → 20 px = 10 rows tall")
        XCTAssertEqual(wide.area.top, 5, "centred")
    }

    func testCellsRoundTripThroughBoxes() {
        let box = geometry.box(from: (column: 20, row: 10), to: (column: 29, row: 14))
        XCTAssertEqual(box, RegionBox(x0: 0.25, y0: 0.25, x1: 0.5, y1: 0.5))
        XCTAssertEqual(geometry.cells(of: box), Rect(left: 20, top: 10, width: 10, height: 5))
        let reversed = geometry.box(from: (column: 29, row: 14), to: (column: 20, row: 10))
        XCTAssertEqual(reversed, box)
    }

    func testMoveStopsAtTheEdgesKeepingTheSize() {
        let box = RegionBox(x0: 0.1, y0: 0.1, x1: 0.4, y1: 0.3)
        let left = BoxMath.move(box, dx: -0.5, dy: 0)
        XCTAssertEqual(left, RegionBox(x0: 0, y0: 0.1, x1: 0.3, y1: 0.3))
        let down = BoxMath.move(box, dx: 0, dy: 5)
        XCTAssertEqual(down, RegionBox(x0: 0.1, y0: 0.8, x1: 0.4, y1: 1))
    }

    func testResizeKeepsAMinimumAndStaysInside() {
        let box = RegionBox(x0: 0.5, y0: 0.5, x1: 0.6, y1: 0.6)
        XCTAssertEqual(BoxMath.resize(box, dw: -1, dh: 0).x1, 0.5 + BoxMath.minimumSide)
        XCTAssertEqual(BoxMath.resize(box, dw: 2, dh: 2), RegionBox(x0: 0.5, y0: 0.5, x1: 1, y1: 1))
    }

    func testMouseDragDrawsANewBoxAndDragMovesIt() {
        var canvas = BoxCanvas()
        canvas.handle(MouseEvent(.press, column: 20, row: 10), geometry: geometry)
        canvas.handle(MouseEvent(.drag, column: 25, row: 12), geometry: geometry)
        canvas.handle(MouseEvent(.drag, column: 29, row: 14), geometry: geometry)
        canvas.handle(MouseEvent(.release, column: 29, row: 14), geometry: geometry)
        XCTAssertEqual(canvas.boxes, [RegionBox(x0: 0.25, y0: 0.25, x1: 0.5, y1: 0.5)], "one box, reshaped while dragging")
        XCTAssertEqual(canvas.selected, 0)
        // Press inside it and drag 4 cells right, 2 down.
        canvas.handle(MouseEvent(.press, column: 22, row: 11), geometry: geometry)
        canvas.handle(MouseEvent(.drag, column: 26, row: 13), geometry: geometry)
        canvas.handle(MouseEvent(.release, column: 26, row: 13), geometry: geometry)
        XCTAssertEqual(canvas.boxes, [RegionBox(x0: 0.35, y0: 0.35, x1: 0.6, y1: 0.6)])
    }

    func testDeleteNeedsASecondPress() {
        var canvas = BoxCanvas()
        canvas.addDefault()
        XCTAssertFalse(canvas.deleteSelected())
        XCTAssertEqual(canvas.boxes.count, 1)
        XCTAssertTrue(canvas.deleteSelected())
        XCTAssertTrue(canvas.boxes.isEmpty)
        XCTAssertNil(canvas.selected)
    }

    func testLayoutEditorBuildsAndQueuesARegionalJob() {
        var state = makeState()
        _ = type("a red circle and a blue square", &state)
        press([.ctrl("l")], &state)
        XCTAssertEqual(state.screen, .layout)
        XCTAssertEqual(state.layout.basePrompt, "a red circle and a blue square")
        press([.character("n")], &state)
        XCTAssertEqual(state.field, .regionPrompt(0))
        _ = type("a red circle", &state)
        press([.enter], &state)
        press([.character("n")], &state)
        _ = type("a blue square", &state)
        press([.enter, .right, .right, .shiftRight], &state)
        XCTAssertEqual(state.layout.canvas.boxes.count, 2)
        let effects = press([.character("q")], &state)
        guard case let .enqueue(request)? = effects.first, case let .regional(layout) = request.kind else {
            return XCTFail("no regional job: \(effects)")
        }
        XCTAssertEqual(layout.regions.map(\.prompt), ["a red circle", "a blue square"])
        XCTAssertEqual(layout.basePrompt, "a red circle and a blue square")
        XCTAssertEqual(state.screen, .main)
    }

    func testLayoutWithAnEmptyRegionPromptIsRefused() {
        var state = makeState()
        press([.ctrl("l"), .character("n"), .escape], &state)
        XCTAssertTrue(press([.character("q")], &state).isEmpty)
        XCTAssertEqual(state.status?.isError, true)
        XCTAssertEqual(state.screen, .layout)
    }

    func testEditPanelQueuesAnInpaintOfTheSelectedImage() throws {
        var state = makeState()
        state.session.queue = try makeQueue(done: 1, running: false, queued: 0)
        let effects = press([.ctrl("e")], &state)
        XCTAssertEqual(effects, [.loadImage(JobID(1))])
        XCTAssertEqual(state.edit.source, ImageReference(path: "x.png", jobID: JobID(1)))
        press([.character("n")], &state)
        XCTAssertEqual(state.edit.mode, .inpaint)
        press([.enter], &state)
        press([.ctrl("u")], &state)
        _ = type("a yellow triangle", &state)
        press([.enter], &state)
        guard case let .enqueue(request)? = press([.character("q")], &state).first,
              case let .edit(.inpaint(source, boxes, _, strength, _)) = request.kind else { return XCTFail("no inpaint") }
        XCTAssertEqual(source.jobID, JobID(1))
        XCTAssertEqual(boxes.count, 1)
        XCTAssertEqual(strength, 0.6)
        XCTAssertEqual(request.parameters.prompt, "a yellow triangle")
    }
}
