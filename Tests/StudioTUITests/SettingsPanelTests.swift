import StudioCore
import XCTest
@testable import StudioTUI

/// The settings panel's text setting: the negative prompt.
final class SettingsPanelTests: XCTestCase {
    private func openOnNegativeRow(_ state: inout AppState) {
        press([.ctrl("s")], &state)
        while state.settingField != .negativePrompt { press([.down], &state) }
    }

    func testTheNegativePromptIsEditedInThePanelAndGoesIntoTheNextJob() {
        var state = makeState()
        openOnNegativeRow(&state)
        press([.enter], &state)
        XCTAssertEqual(state.field, .negativePrompt)
        XCTAssertEqual(state.overlay, .settings, "the panel stays open while the text is edited")
        _ = type("blurry, dark", &state)
        XCTAssertEqual(state.settings.parameters.negativePrompt, "", "nothing changes before ⏎")
        press([.enter], &state)
        XCTAssertNil(state.field)
        XCTAssertEqual(state.settings.parameters.negativePrompt, "blurry, dark")
        press([.escape], &state)
        XCTAssertNil(state.overlay)

        _ = type("a red circle", &state)
        guard case let .enqueue(request)? = press([.enter], &state).first else { return XCTFail("nothing queued") }
        XCTAssertEqual(request.parameters.negativePrompt, "blurry, dark")
        XCTAssertEqual(request.parameters.prompt, "a red circle")
    }

    func testEscapeLeavesTheNegativePromptAsItWasAndArrowsSayHowToEditIt() {
        var state = makeState()
        state.settings.parameters.negativePrompt = "noise"
        openOnNegativeRow(&state)
        press([.enter], &state)
        XCTAssertEqual(state.fieldEditor.text, "noise", "editing starts from the current text")
        _ = type(" and more", &state)
        press([.escape], &state)
        XCTAssertNil(state.field)
        XCTAssertEqual(state.overlay, .settings)
        XCTAssertEqual(state.settings.parameters.negativePrompt, "noise")
        press([.right], &state)
        XCTAssertEqual(state.settings.parameters.negativePrompt, "noise")
        XCTAssertTrue(state.status?.text.contains("⏎ edits the negative prompt") ?? false)
        // ⏎ on another row closes the panel, as before.
        press([.up, .enter], &state)
        XCTAssertNil(state.overlay)
        XCTAssertNil(state.field)
    }

    func testThePanelAndTheStatusLineShowTheNegativePrompt() {
        var state = makeState()
        state.overlay = .settings
        var screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("negative      none (⏎ edits)"), screen.text)
        state.settings.parameters.negativePrompt = "a blue square"
        screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("negative      a blue square"))
        state.overlay = nil
        screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text(row: 38).contains("not “a blue square”"), screen.text(row: 38))
    }
}
