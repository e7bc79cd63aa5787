import StudioCore
import XCTest
@testable import StudioTUI

final class ViewTests: XCTestCase {
    func testEmptyStudioShowsPanesPromptSettingsAndKeyLine() {
        let screen = StudioView.render(makeState(), context: testContext)
        XCTAssertEqual(screen.size, TerminalSize(columns: 120, rows: 40))
        XCTAssertTrue(screen.text(row: 0).contains("DiT Studio · shapes-mmdit · session 2026-11-30-a"))
        XCTAssertTrue(screen.text.contains("┌ Preview"))
        XCTAssertTrue(screen.text.contains("┌ Queue"))
        XCTAssertTrue(screen.text.contains("┌ History"))
        XCTAssertTrue(screen.text(row: 38).contains("steps 20"))
        XCTAssertTrue(screen.text(row: 39).contains("⏎ queue"))
        XCTAssertTrue(screen.text(row: 39).contains("^C/^Q quit"))
        XCTAssertNotNil(screen.cursor, "the prompt line has the caret")
    }

    func testRunningJobShowsProgressBarAndHalfBlockPreview() throws {
        var state = makeState()
        state.session.queue = try makeQueue(done: 0, running: true, queued: 1)
        state.session.progress = StepProgress(step: 5, total: 10, elapsed: 1, iterationsPerSecond: 5, remainingSeconds: 1)
        var pixels: [UInt8] = []
        for y in 0..<16 { for _ in 0..<16 { pixels += y < 8 ? [255, 0, 0] : [0, 0, 255] } }
        state.session.preview = RGBImage(width: 16, height: 16, pixels: pixels)
        let screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("Preview · #1 step 5/10"))
        let queueRow = screen.text(row: ScreenLayout(size: state.size).queue.inner.top)
        XCTAssertTrue(queueRow.contains("▶ #1"), queueRow)
        XCTAssertTrue(queueRow.contains("5/10"), queueRow)
        XCTAssertTrue(queueRow.contains("█"), queueRow)
        XCTAssertTrue(queueRow.contains("5.0 it/s"), queueRow)
        let preview = ScreenLayout(size: state.size).preview.inner
        let cells = (preview.top..<preview.bottom).flatMap { row in (preview.left..<preview.right).map { screen[$0, row] } }
        let red = HalfBlockRenderer.cellColor(RGB8(255, 0, 0), mode: .xterm256)
        let blue = HalfBlockRenderer.cellColor(RGB8(0, 0, 255), mode: .xterm256)
        XCTAssertTrue(cells.contains { $0.text == "▀" && $0.style.foreground == red && $0.style.background == red })
        XCTAssertTrue(cells.contains { $0.text == "▀" && $0.style.foreground == blue && $0.style.background == blue })
    }

    func testTooSmallScreenSaysSoAndWhatIsNeeded() {
        let screen = StudioView.render(makeState(columns: 59, rows: 30), context: testContext)
        XCTAssertTrue(screen.text.contains("terminal too small"))
        XCTAssertTrue(screen.text.contains("59×30, needs 60×20"))
        XCTAssertFalse(screen.text.contains("Queue"))
    }

    func testHelpOverlayListsEveryBindingOfTheKeyTable() {
        var state = makeState(columns: 200, rows: 60)
        state.overlay = .help
        let screen = StudioView.render(state, context: testContext)
        for binding in KeyMap.bindings {
            XCTAssertTrue(screen.text.contains(binding.help), "help lacks '\(binding.help)'")
        }
    }

    func testOutsideTextIsShownSafely() throws {
        var state = makeState()
        var queue = JobQueue()
        var generator = SystemRandomNumberGenerator()
        _ = try queue.enqueue(JobRequest(parameters: GenerateParameters(prompt: "evil\u{1B}]0;title\u{7}\u{202E}x")), now: .now(),
                              using: &generator)
        state.session.queue = queue
        let screen = StudioView.render(state, context: testContext)
        XCTAssertFalse(screen.cells.contains { $0.text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E } })
        XCTAssertTrue(screen.text.contains("evil^[]0;title^G<U+202E>x"))
    }

    func testMonochromeUsesNoColoursAndAttributesInstead() throws {
        var state = makeState()
        state.session.queue = try makeQueue(done: 0, running: true, queued: 0)
        state.session.preview = RGBImage(width: 8, height: 8, fill: .white)
        let mono = StudioView.render(state, context: RenderContext(theme: Theme.fallback, colorMode: .monochrome))
        XCTAssertTrue(mono.cells.allSatisfy { $0.style.foreground == .terminalDefault && $0.style.background == .terminalDefault })
        XCTAssertTrue(mono.cells.contains { $0.text == "█" }, "bright pixels drawn as full blocks")
        let color = StudioView.render(state, context: testContext)
        XCTAssertTrue(color.cells.contains { $0.style.foreground != .terminalDefault })
    }

    func testUnknownWordsAreUnderlined() {
        var state = makeState()
        _ = type("red xyzzy", &state)
        _ = Reducer.reduce(&state, .unknownWords(["xyzzy"]))
        let screen = StudioView.render(state, context: testContext)
        let row = ScreenLayout(size: state.size).prompt.inner.top
        let line = screen.text(row: row)
        guard let start = line.range(of: "xyzzy") else { return XCTFail(line) }
        let column = line.distance(from: line.startIndex, to: start.lowerBound)
        XCTAssertTrue(screen[column, row].style.attributes.contains(.underline))
        XCTAssertFalse(screen[column - 2, row].style.attributes.contains(.underline), "known words are not")
    }

    func testLayoutEditorDrawsRegionsAndTheirList() {
        var state = makeState()
        state.screen = .layout
        state.layout.basePrompt = "two shapes"
        state.layout.canvas.add(RegionBox(x0: 0, y0: 0, x1: 0.4, y1: 0.45), prompt: "a large red circle")
        state.layout.canvas.add(RegionBox(x0: 0.55, y0: 0.5, x1: 0.95, y1: 0.95), prompt: "a blue square")
        let screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("Layout · base ratio 0.30 · 2 regions"))
        XCTAssertTrue(screen.text.contains("a large red circle"))
        XCTAssertTrue(screen.text.contains("0.55,0.50,0.95,0.95"))
        XCTAssertTrue(screen.text.contains("┏"), "the selected region is heavy")
        let geometry = Reducer.canvasGeometry(state)
        let cells = geometry.cells(of: state.layout.canvas.boxes[0])
        XCTAssertEqual(screen[cells.left, cells.top].text, "┌")
        XCTAssertEqual(screen[cells.left, cells.top].style.foreground, Theme.fallback.region(1).cellColor(for: .xterm256))
    }

    func testEditPanelShowsModeAndBoxes() {
        var state = makeState()
        state.screen = .edit
        state.edit.source = ImageReference(path: "0007-1.png", jobID: JobID(7))
        state.edit.sourceImage = RGBImage(width: 64, height: 64, fill: .white)
        state.edit.mode = .inpaint
        state.edit.canvas.add(RegionBox(x0: 0.3, y0: 0.1, x1: 0.55, y1: 0.35))
        let screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("Edit · inpaint ← #7"), screen.text)
        XCTAssertTrue(screen.text.contains("[inpaint]"))
        XCTAssertTrue(screen.text.contains("box 1: 0.30,0.10,0.55,0.35"))
    }

    func testCompareShowsTwoMarkedImagesAndTheirDifferences() throws {
        var state = makeState(columns: 200, rows: 50)
        state.session.queue = try makeQueue(done: 2, running: false, queued: 0)
        state.focus = .history
        state.marked = [JobID(1), JobID(2)]
        state.markedImages = [JobID(1): RGBImage(width: 8, height: 8, fill: .white), JobID(2): RGBImage(width: 8, height: 8, fill: .black)]
        let screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("Compare · #1 ↔ #2"))
        XCTAssertTrue(screen.text.contains("#1 seed 1000 · prompt differs"))
        XCTAssertTrue(screen.text.contains("#2 seed 1001 · prompt differs"))
    }

    func testColourModeIsLoweredToWhatTheTerminalShows() {
        XCTAssertEqual(CursesTerminal.mode(requested: .trueColor, terminalColors: 256), .xterm256)
        XCTAssertEqual(CursesTerminal.mode(requested: .trueColor, terminalColors: 0x1000000), .trueColor)
        XCTAssertEqual(CursesTerminal.mode(requested: .xterm256, terminalColors: 8), .monochrome)
        XCTAssertEqual(CursesTerminal.mode(requested: .monochrome, terminalColors: 256), .monochrome)
        XCTAssertEqual(CursesTerminal.mode(requested: .ansi16, terminalColors: 256), .ansi16)
    }

    func testKeyLineAndReadmeTableComeFromTheKeyTable() {
        let line = KeyMap.keyLine(for: .queue).map(\.keys)
        XCTAssertEqual(line.first, "c/del")
        XCTAssertTrue(KeyMap.markdownTable.contains("| Queue | `c/del` | cancel the selected job |"))
    }

    func testScreenBufferClipsWideCharactersAndControlBytes() {
        var screen = ScreenBuffer(size: TerminalSize(columns: 5, rows: 1))
        let end = screen.write("a\u{1}bcdefg", column: 0, row: 0, style: .plain)
        XCTAssertEqual(end, 5)
        XCTAssertEqual(screen.text(row: 0), "a?bcd")
    }
}

final class ReadmeKeyTableTests: XCTestCase {
    /// The README's key table is the key map's own Markdown; on a change, paste the table this prints.
    func testReadmeKeyTableIsTheKeyMapTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        XCTAssertTrue(text.contains(KeyMap.markdownTable), "README.md's key table differs from the key map; the table is:\n"
                      + KeyMap.markdownTable + "\nEND-OF-TABLE")
    }
}
