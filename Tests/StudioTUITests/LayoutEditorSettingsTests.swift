import StudioCore
import XCTest
@testable import StudioTUI

/// The layout editor's background prompt, inject steps and block interval.
final class LayoutEditorSettingsTests: XCTestCase {
    /// The layout editor with one region prompted "a red circle", on a model whose regional
    /// settings are 6 inject steps and block interval 2.
    private func editorWithARegion() -> AppState {
        var state = makeState()
        state.layout.modelRegional = RegionalDefaults(injectSteps: 6, blockInterval: 2, regionEmphasis: 6)
        _ = type("a red circle and a blue square", &state)
        press([.ctrl("l"), .character("n")], &state)
        _ = type("a red circle", &state)
        press([.enter], &state)
        return state
    }

    private func queuedLayout(_ state: inout AppState) -> Layout? {
        guard case let .enqueue(request)? = press([.character("q")], &state).first,
              case let .regional(layout) = request.kind else { return nil }
        return layout
    }

    func testTheBackgroundPromptIsEditedAndQueuedWithTheLayout() throws {
        var state = editorWithARegion()
        press([.character("B")], &state)
        XCTAssertEqual(state.field, .backgroundPrompt)
        _ = type("a beige background", &state)
        press([.enter], &state)
        XCTAssertEqual(state.layout.backgroundPrompt, "a beige background")
        let layout = try XCTUnwrap(queuedLayout(&state))
        XCTAssertEqual(layout.backgroundPrompt, "a beige background")

        // Cleared: the layout has none (the base prompt governs the uncovered area).
        var cleared = editorWithARegion()
        cleared.layout.backgroundPrompt = "something"
        press([.character("B"), .ctrl("u"), .enter], &cleared)
        XCTAssertNil(try XCTUnwrap(queuedLayout(&cleared)).backgroundPrompt)
    }

    func testInjectStepsAndBlockIntervalStartFromTheModelsAndStayInRange() throws {
        var state = editorWithARegion()
        XCTAssertNil(state.layout.layout.injectSteps, "the model's until changed")
        press([.character("i"), .character("i")], &state)
        XCTAssertEqual(state.layout.injectSteps, 8, "6 (the model's) + 2")
        press([.character("I")], &state)
        XCTAssertEqual(state.layout.injectSteps, 7)
        // Capped at the job's steps (20 in the test settings).
        for _ in 0..<30 { press([.character("i")], &state) }
        XCTAssertEqual(state.layout.injectSteps, 20)
        for _ in 0..<30 { press([.character("I")], &state) }
        XCTAssertEqual(state.layout.injectSteps, 0)

        press([.character("V")], &state)
        XCTAssertEqual(state.layout.blockInterval, 1, "2 (the model's) − 1")
        press([.character("V")], &state)
        XCTAssertEqual(state.layout.blockInterval, 1, "at least every block")
        press([.character("v"), .character("v")], &state)
        XCTAssertEqual(state.layout.blockInterval, 3)

        let layout = try XCTUnwrap(queuedLayout(&state))
        XCTAssertEqual(layout.injectSteps, 0)
        XCTAssertEqual(layout.blockInterval, 3)
        XCTAssertNoThrow(try layout.validate())
    }

    func testRegionEmphasisStartsFromTheModelsAndStaysInRange() throws {
        var state = editorWithARegion()
        press([.character("e")], &state)
        XCTAssertEqual(state.layout.regionEmphasis, 7, "6 (the model's) + 1")
        for _ in 0..<30 { press([.character("e")], &state) }
        XCTAssertEqual(state.layout.regionEmphasis, Layout.maximumEmphasis)
        for _ in 0..<30 { press([.character("E")], &state) }
        XCTAssertEqual(state.layout.regionEmphasis, 0)
        press([.character("e"), .character("e")], &state)
        let screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("emphasis 2"), screen.text)
        let layout = try XCTUnwrap(queuedLayout(&state))
        XCTAssertEqual(layout.regionEmphasis, 2)
        XCTAssertNoThrow(try layout.validate())
    }

    func testEqualsGivesTheSettingsBackToTheModel() throws {
        var state = editorWithARegion()
        press([.character("i"), .character("v"), .character("e")], &state)
        press([.character("=")], &state)
        XCTAssertNil(state.layout.injectSteps)
        XCTAssertNil(state.layout.blockInterval)
        XCTAssertNil(state.layout.regionEmphasis)
        let layout = try XCTUnwrap(queuedLayout(&state))
        XCTAssertNil(layout.injectSteps)
        XCTAssertNil(layout.blockInterval)
        XCTAssertNil(layout.regionEmphasis)
    }

    func testAnOpenedLayoutBringsItsSettingsAndTheSideListShowsThem() {
        var state = editorWithARegion()
        var screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("inject 6* · interval 2* · emphasis 6* · *model's"), screen.text)
        XCTAssertTrue(screen.text.contains("(B sets a background prompt)"))

        let file = Layout(basePrompt: "two shapes", regions: [LayoutRegion(box: RegionBox(x0: 0, y0: 0, x1: 0.5, y1: 0.5), prompt: "a circle")],
                          injectSteps: 4, blockInterval: 3, backgroundPrompt: "a white background", regionEmphasis: 3.5)
        Reducer.reduce(&state, .layoutLoaded(file, path: "two.toml"))
        XCTAssertEqual(state.layout.layout, file, "the editor keeps every setting of the file")
        screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("inject 4 · interval 3 · emphasis 3.5 · i v e ="), screen.text)
        XCTAssertTrue(screen.text.contains("back  a white background"))
        guard case let .saveLayout(saved, _, _)? = press([.ctrl("w"), .enter], &state).first else { return XCTFail("no save") }
        XCTAssertEqual(saved.backgroundPrompt, "a white background")
        XCTAssertEqual(saved.injectSteps, 4)
        XCTAssertEqual(saved.regionEmphasis, 3.5)
    }
}
