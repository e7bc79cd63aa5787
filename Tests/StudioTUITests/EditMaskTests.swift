import Foundation
import StudioCore
import XCTest
@testable import StudioTUI

/// The edit panel's inpaint mask PNG and feather: the reducer's part.
final class EditMaskTests: XCTestCase {
    private let source = RGBImage(width: 64, height: 48, pixels: [UInt8](repeating: 90, count: 64 * 48 * 3))

    private func panelWithASource() -> AppState {
        var state = makeState()
        press([.ctrl("e")], &state)
        Reducer.reduce(&state, .sourceLoaded(ImageReference(path: "/tmp/source.png"), source, prompt: "a red circle"))
        return state
    }

    func testAMaskPathIsCheckedAgainstTheSourcesSize() {
        var state = panelWithASource()
        press([.character("o")], &state)
        XCTAssertEqual(state.field, .maskPath)
        _ = type("mask.png", &state)
        XCTAssertEqual(press([.enter], &state), [.loadMaskFile(path: "mask.png", width: 64, height: 48)])

        var noSource = makeState()
        press([.ctrl("e"), .character("o")], &noSource)
        _ = type("mask.png", &noSource)
        XCTAssertEqual(press([.enter], &noSource), [], "no source: no size to check against")
        XCTAssertEqual(noSource.status?.isError, true)
        XCTAssertNil(noSource.edit.mask)
    }

    func testALoadedMaskMakesAnInpaintWithItsFeather() throws {
        var state = panelWithASource()
        let mask = LoadedMask(path: "/data/mask.png", bounds: RegionBox(x0: 0.25, y0: 0.25, x1: 0.75, y1: 0.5), coverage: 0.25)
        Reducer.reduce(&state, .maskLoaded(mask))
        XCTAssertEqual(state.edit.mode, .inpaint)
        XCTAssertTrue(state.status?.text.contains("25%") ?? false, "\(String(describing: state.status))")
        press([.character("f"), .character("f"), .character("f"), .character("F")], &state)
        XCTAssertEqual(state.edit.feather, 2)
        guard case let .enqueue(request)? = press([.character("q")], &state).first else { return XCTFail("nothing queued") }
        guard case let .edit(.inpaint(reference, boxes, maskPath, _, feather)) = request.kind else {
            return XCTFail("not an inpaint: \(request.kind)")
        }
        XCTAssertEqual(reference.path, "/tmp/source.png")
        XCTAssertEqual(boxes, [], "the mask file alone is enough")
        XCTAssertEqual(maskPath, "/data/mask.png")
        XCTAssertEqual(feather, 2)
        XCTAssertEqual([request.parameters.width, request.parameters.height], [64, 48])
    }

    func testFeatherStaysInRangeAndAnEmptyPathClearsTheMask() {
        var state = panelWithASource()
        press([.character("F")], &state)
        XCTAssertEqual(state.edit.feather, 0)
        for _ in 0..<40 { press([.character("f")], &state) }
        XCTAssertEqual(state.edit.feather, 32)
        Reducer.reduce(&state, .maskLoaded(LoadedMask(path: "/m.png", bounds: RegionBox(x0: 0, y0: 0, x1: 1, y1: 1), coverage: 1)))
        press([.character("o"), .ctrl("u"), .enter], &state)
        XCTAssertNil(state.edit.mask)
        XCTAssertEqual(press([.character("q")], &state), [], "no boxes and no mask: nothing to inpaint")
        XCTAssertTrue(state.status?.text.contains("o opens a mask PNG") ?? false)
    }

    func testAnotherSourceDropsTheMask() {
        var state = panelWithASource()
        Reducer.reduce(&state, .maskLoaded(LoadedMask(path: "/m.png", bounds: RegionBox(x0: 0, y0: 0, x1: 1, y1: 1), coverage: 1)))
        Reducer.reduce(&state, .sourceLoaded(ImageReference(path: "/tmp/other.png"), source, prompt: nil))
        XCTAssertNil(state.edit.mask)
    }

    func testThePanelShowsTheMaskFeatherAndTheMasksBox() {
        var state = panelWithASource()
        state.edit.mode = .inpaint
        var screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("feather 0 px"), screen.text)
        XCTAssertTrue(screen.text.contains("mask    none (o opens a PNG)"))
        Reducer.reduce(&state, .maskLoaded(LoadedMask(path: "/data/mask.png", bounds: RegionBox(x0: 0.25, y0: 0.25, x1: 0.75, y1: 0.75),
                                                      coverage: 0.25)))
        screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("mask    /data/mask.png · 25%"))
        let cells = Reducer.canvasGeometry(state).cells(of: RegionBox(x0: 0.25, y0: 0.25, x1: 0.75, y1: 0.75))
        XCTAssertTrue(screen.text(row: cells.top + 1).contains("mask file"), "the mask's box is drawn on the source")
    }
}

/// The mask file itself: read, checked and turned into a message when it cannot be used.
final class EditMaskFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("EditMaskFileTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// A `width × height` PNG, white inside `white` (pixel columns and rows), black elsewhere.
    private func maskFile(_ name: String, width: Int, height: Int, white: (x: Range<Int>, y: Range<Int>)) throws -> String {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels += white.x.contains(x) && white.y.contains(y) ? [255, 255, 255] : [0, 0, 0] } }
        let url = directory.appendingPathComponent(name)
        try PNGFile.write(RGBImage(width: width, height: height, pixels: pixels), to: url, overwrite: true)
        return url.path
    }

    func testAGoodMaskGivesItsBoxAndShare() throws {
        let path = try maskFile("good.png", width: 64, height: 48, white: (16..<48, 12..<24))
        let mask = try StudioApp.loadMask(path: path, width: 64, height: 48)
        XCTAssertEqual(mask.path, path)
        XCTAssertEqual(mask.bounds, RegionBox(x0: 0.25, y0: 0.25, x1: 0.75, y1: 0.5))
        XCTAssertEqual(mask.coverage, Double(32 * 12) / Double(64 * 48))
    }

    func testUnreadableWrongSizeAndEmptyMasksAreMessagesNamingTheFile() throws {
        let wrongSize = try maskFile("small.png", width: 32, height: 32, white: (0..<32, 0..<32))
        XCTAssertThrowsError(try StudioApp.loadMask(path: wrongSize, width: 64, height: 48)) { error in
            XCTAssertEqual("\(error)", "mask \(wrongSize) is 32×32; the source is 64×48: use a mask of the same size")
        }
        let empty = try maskFile("black.png", width: 64, height: 48, white: (0..<0, 0..<0))
        XCTAssertThrowsError(try StudioApp.loadMask(path: empty, width: 64, height: 48)) { error in
            XCTAssertTrue("\(error)".contains("has no white pixels"), "\(error)")
        }
        let text = directory.appendingPathComponent("text.png")
        try Data("not a png".utf8).write(to: text)
        XCTAssertThrowsError(try StudioApp.loadMask(path: text.path, width: 64, height: 48)) { error in
            XCTAssertTrue("\(error)".hasPrefix("mask \(text.path): "), "\(error)")
        }
        XCTAssertThrowsError(try StudioApp.loadMask(path: directory.appendingPathComponent("absent.png").path, width: 64, height: 48))
    }

    func testInTheStudioABadMaskIsAStatusMessageAndTheEditKeepsWorking() throws {
        let worker = Worker(engine: DiTGenerationEngine.factory())
        defer { worker.shutdown(timeout: 10) }
        let store = SessionStore(root: directory.appendingPathComponent("sessions"))
        let session = try Session.create(in: store, worker: worker)
        let app = StudioApp.forTesting(session: session, store: store, worker: worker)
        defer { app.session.close() }
        let sourcePath = try maskFile("source.png", width: 64, height: 64, white: (0..<8, 0..<8))
        app.dispatch(.input(.key(.ctrl("e"))))
        app.dispatch(.input(.key(.ctrl("o"))))
        app.dispatch(.input(.paste(sourcePath)))
        app.dispatch(.input(.key(.enter)))
        XCTAssertNotNil(app.state.edit.sourceImage)

        let wrong = try maskFile("wrong.png", width: 32, height: 64, white: (0..<8, 0..<8))
        app.dispatch(.input(.key(.character("o"))))
        app.dispatch(.input(.paste(wrong)))
        app.dispatch(.input(.key(.enter)))
        XCTAssertEqual(app.state.status?.isError, true)
        XCTAssertTrue(app.state.status?.text.contains("is 32×64; the source is 64×64") ?? false, app.state.status?.text ?? "")
        XCTAssertNil(app.state.edit.mask)

        let good = try maskFile("good.png", width: 64, height: 64, white: (32..<64, 0..<64))
        app.dispatch(.input(.key(.character("o"))))
        app.dispatch(.input(.key(.ctrl("u"))))
        app.dispatch(.input(.paste(good)))
        app.dispatch(.input(.key(.enter)))
        XCTAssertEqual(app.state.edit.mask?.path, good)
        XCTAssertEqual(app.state.edit.mask?.coverage, 0.5)
    }
}
