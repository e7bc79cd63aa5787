import StudioCore
import XCTest
@testable import StudioTUI

final class ReducerTests: XCTestCase {
    func testTypingAPromptAndEnterQueuesItWithTheSettingsAndAdvancesTheSeed() {
        var state = makeState()
        XCTAssertEqual(state.focus, .prompt)
        XCTAssertTrue(type("a red circle", &state).isEmpty)
        let effects = press([.enter], &state)
        guard case let .enqueue(request)? = effects.first else { return XCTFail("no enqueue: \(effects)") }
        XCTAssertEqual(request.parameters.prompt, "a red circle")
        XCTAssertEqual(request.parameters.seed, 100)
        XCTAssertEqual(request.kind, .generate)
        XCTAssertEqual(state.prompt.text, "", "the line is cleared for the next prompt")
        XCTAssertEqual(state.settings.parameters.seed, 101, "increment policy moves the next seed on")
        XCTAssertEqual(state.prompt.recall, ["a red circle"])
    }

    func testEnterOnAnEmptyPromptQueuesNothingAndSaysWhy() {
        var state = makeState()
        XCTAssertTrue(press([.enter], &state).isEmpty)
        XCTAssertEqual(state.status?.isError, true)
    }

    func testQuitAsksOnlyWhileJobsAreQueuedOrRunning() throws {
        var idle = makeState()
        XCTAssertEqual(press([.ctrl("q")], &idle), [.quit])
        XCTAssertTrue(idle.isQuitting)

        var busy = makeState()
        busy.session.queue = try makeQueue(done: 0, running: true, queued: 1)
        XCTAssertTrue(press([.ctrl("c")], &busy).isEmpty)
        XCTAssertEqual(busy.overlay, .confirmQuit)
        XCTAssertTrue(press([.character("n")], &busy).isEmpty)
        XCTAssertNil(busy.overlay)
        XCTAssertFalse(busy.isQuitting)
        press([.ctrl("c")], &busy)
        XCTAssertEqual(press([.character("y")], &busy), [.quit])
    }

    func testTabCyclesFocusAndQueueKeysActOnTheSelectedJob() throws {
        var state = makeState()
        state.session.queue = try makeQueue(done: 1, running: true, queued: 2)
        press([.tab], &state)
        XCTAssertEqual(state.focus, .queue)
        XCTAssertEqual(state.queueRows.map(\.id.number), [2, 3, 4])
        press([.down], &state)
        XCTAssertEqual(state.selectedQueueJob?.id.number, 3)
        XCTAssertEqual(press([.character("c")], &state), [.cancel(JobID(3))])
        press([.down], &state)
        XCTAssertEqual(press([.shiftUp], &state), [.move(JobID(4), by: -1)])
        XCTAssertEqual(state.queueSelection, 1, "the selection follows the moved job")
        XCTAssertEqual(press([.character("p")], &state), [.pause])
        XCTAssertEqual(press([.ctrl("x")], &state), [.cancel(JobID(2))], "^X cancels the running job")
    }

    func testHistorySelectionLoadsTheImageAndUseSettingsFillsThePrompt() throws {
        var state = makeState()
        state.session.queue = try makeQueue(done: 2, running: false, queued: 0)
        press([.tab], &state)
        let effects = press([.tab], &state)
        XCTAssertEqual(state.focus, .history)
        XCTAssertEqual(effects, [.loadImage(JobID(2))], "newest first")
        _ = Reducer.reduce(&state, .imageLoaded(JobID(2), RGBImage(width: 4, height: 4, fill: .white)))
        XCTAssertEqual(state.shownImage?.job, JobID(2))
        XCTAssertEqual(press([.down], &state), [.loadImage(JobID(1))])
        press([.character("u")], &state)
        XCTAssertEqual(state.prompt.text, "prompt 1")
        XCTAssertEqual(state.settings.parameters.seed, 1000)
        XCTAssertEqual(state.settings.seedPolicy, .fixed)
        XCTAssertEqual(state.focus, .prompt)
    }

    func testRerunAndBatchFromHistory() throws {
        var state = makeState()
        state.session.queue = try makeQueue(done: 1, running: false, queued: 0)
        press([.tab, .tab], &state)
        XCTAssertEqual(press([.character("r")], &state), [.rerun(JobID(1))])
        guard case let .enqueue(request)? = press([.character("b")], &state).first else { return XCTFail("no batch") }
        XCTAssertEqual(request.count, 4)
        XCTAssertEqual(request.parameters.seed, 1001)
        XCTAssertEqual(request.seedPolicy, .increment)
    }

    func testAFinishedLiveJobIsShownWhenItEnds() throws {
        var state = makeState()
        let running = try makeQueue(done: 0, running: true, queued: 0)
        _ = Reducer.reduce(&state, .session(SessionSnapshot(id: "s", queue: running), problems: []))
        var finished = running
        try finished.apply(.finished(JobID(1), output: "x.png", at: .now(), seconds: 1))
        let effects = Reducer.reduce(&state, .session(SessionSnapshot(id: "s", queue: finished), problems: ["disk full"]))
        XCTAssertEqual(effects, [.loadImage(JobID(1))])
        XCTAssertEqual(state.status, StatusMessage("disk full", isError: true))
    }

    func testSettingsPanelAdjustsValuesWithinBounds() {
        var state = makeState()
        press([.ctrl("s")], &state)
        XCTAssertEqual(state.overlay, .settings)
        press(Array(repeating: .left, count: 40), &state)
        XCTAssertEqual(state.settings.parameters.steps, 1, "steps stop at 1")
        press([.right, .right, .right], &state)
        XCTAssertEqual(state.settings.parameters.steps, 4)
        press([.down, .right], &state)
        XCTAssertEqual(state.settings.parameters.guidance, 4.5)
        press([.escape], &state)
        XCTAssertNil(state.overlay)
    }

    /// The cache row steps through off, fast, faster and stops at each end.
    func testSettingsPanelStepsTheCacheLevel() {
        var state = makeState()
        press([.ctrl("s")], &state)
        for _ in SettingField.allCases where state.settingField != .caching { press([.down], &state) }
        XCTAssertEqual(state.settingField, .caching)
        XCTAssertEqual(state.settings.parameters.caching, .off)
        press([.right], &state)
        XCTAssertEqual(state.settings.parameters.caching, .fast)
        press([.right, .right], &state)
        XCTAssertEqual(state.settings.parameters.caching, .faster, "faster is the last level")
        XCTAssertTrue(state.settings.statusLine.contains("cache faster"), state.settings.statusLine)
        press([.left, .left, .left], &state)
        XCTAssertEqual(state.settings.parameters.caching, .off, "off is the first")
    }

    func testPasteGoesIntoThePromptAndIsCutAtTheLimit() {
        var state = makeState()
        let long = String(repeating: "red circle\n", count: 10_000)  // 110 KB
        _ = Reducer.reduce(&state, .input(.paste(long)))
        XCTAssertEqual(state.prompt.characters.count, LineEditor.maximumLength)
        XCTAssertFalse(state.prompt.text.contains("\n"))
        XCTAssertEqual(state.status?.isError, true)
    }

    func testTooSmallTerminalTakesOnlyTheQuitKey() {
        var state = makeState(columns: 50, rows: 15)
        XCTAssertTrue(state.isTooSmall)
        XCTAssertTrue(type("abc", &state).isEmpty)
        XCTAssertEqual(state.prompt.text, "")
        _ = Reducer.reduce(&state, .resized(TerminalSize(columns: 80, rows: 24)))
        XCTAssertFalse(state.isTooSmall)
        _ = type("abc", &state)
        XCTAssertEqual(state.prompt.text, "abc")
    }

    func testUnknownKeysAreReportedAndIgnored() {
        var state = makeState()
        press([.unknown("ESC[99~")], &state)
        XCTAssertEqual(state.prompt.text, "")
        XCTAssertTrue(state.status?.text.contains("unknown key") == true)
    }

    func testAQuestionMarkIsTextOnThePromptLineAndHelpElsewhere() {
        var state = makeState()
        _ = type("why?", &state)
        XCTAssertEqual(state.prompt.text, "why?")
        XCTAssertNil(state.overlay)
        press([.tab, .character("?")], &state)
        XCTAssertEqual(state.overlay, .help)
    }

    func testHelpOverlayOpensAndAnyKeyClosesIt() {
        var state = makeState()
        press([.function(1)], &state)
        XCTAssertEqual(state.overlay, .help)
        press([.character("x")], &state)
        XCTAssertNil(state.overlay)
        XCTAssertEqual(state.prompt.text, "", "the closing key does not type")
    }

    func testPickersAskForItemsAndApplyTheChoice() {
        var state = makeState()
        XCTAssertEqual(press([.ctrl("t")], &state), [.listPicker(.themes)])
        _ = Reducer.reduce(&state, .pickerItems(["dusk", "paper"]))
        press([.down], &state)
        XCTAssertEqual(press([.enter], &state), [.switchTheme("paper")])
        XCTAssertEqual(press([.ctrl("o")], &state), [.listPicker(.sessions)])
        _ = Reducer.reduce(&state, .pickerItems([PickerLabels.newSession, "old"]))
        XCTAssertEqual(press([.enter], &state), [.openSession(nil)])
    }

    func testMouseClickSelectsAQueueRow() throws {
        var state = makeState()
        state.session.queue = try makeQueue(done: 0, running: true, queued: 2)
        let queue = ScreenLayout(size: state.size).queue.inner
        _ = Reducer.reduce(&state, .input(.mouse(MouseEvent(.press, column: queue.left + 3, row: queue.top + 2))))
        XCTAssertEqual(state.focus, .queue)
        XCTAssertEqual(state.selectedQueueJob?.id.number, 3)
    }
}
