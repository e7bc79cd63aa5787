import Foundation
import StudioCore
import XCTest
@testable import StudioTUI

/// The main loop against the in-memory terminal with a real session (no job is run): effects that
/// touch files, and bad input that must end in a message while the studio keeps running.
final class StudioAppTests: XCTestCase {
    private var directory: URL!
    private var worker: Worker!
    private var app: StudioApp!
    private var terminal: InMemoryTerminal!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("StudioAppTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        worker = Worker(engine: DiTGenerationEngine.factory())
        let store = SessionStore(root: directory.appendingPathComponent("sessions"))
        let session = try Session.create(in: store, worker: worker)
        terminal = InMemoryTerminal()
        let services = StudioApp.Services(store: store, worker: worker, sessionOptions: SessionOptions(), themes: ThemeCatalog.load(builtIn: nil, user: nil),
                                          presets: PresetCatalog(), environment: [:], unknownWords: { _ in [] })
        app = StudioApp(session: session, terminal: terminal, theme: Theme.fallback, settings: StudioSettings(), services: services)
    }

    override func tearDown() {
        app?.session.close()
        worker?.shutdown(timeout: 10)
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func keys(_ keys: [Key]) {
        for key in keys { app.dispatch(.input(.key(key))) }
    }

    private func typeText(_ text: String) {
        app.dispatch(.input(.paste(text)))
    }

    func testThePreviewSettingCyclesInThePanelAndReachesTheWorker() throws {
        XCTAssertEqual(app.state.settings.previews, .auto)
        XCTAssertEqual(worker.previewChoice, .auto)
        keys([.ctrl("s")])
        for _ in SettingField.allCases where app.state.settingField != .previews { keys([.down]) }
        XCTAssertEqual(app.state.settingField, .previews)
        keys([.right])
        XCTAssertEqual(app.state.settings.previews, .exact, "auto → exact (wraps around)")
        XCTAssertEqual(worker.previewChoice, .exact, "the worker takes the new setting for the next job")
        keys([.right])
        XCTAssertEqual(worker.previewChoice, .approximate)
        keys([.left, .left])
        XCTAssertEqual(app.state.settings.previews, .auto)
        XCTAssertEqual(worker.previewChoice, .auto)
        let screen = StudioView.render(app.state, context: testContext)
        XCTAssertTrue(screen.text.contains("previews") && screen.text.contains("auto (fast, exact last)"), screen.text)
    }

    func testSavingALayoutRefusesToReplaceAFileUntilAskedTwice() throws {
        let path = directory.appendingPathComponent("layout.toml").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        keys([.ctrl("l"), .character("n")])
        typeText("a red circle")
        keys([.enter, .ctrl("w"), .ctrl("u")])
        typeText(path)
        keys([.enter])
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "keep me", "not replaced without confirmation")
        XCTAssertEqual(app.state.status?.isError, true)
        XCTAssertTrue(app.state.status?.text.contains("exists") == true)
        keys([.ctrl("w"), .enter])
        let (layout, _) = try LayoutFile.load(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(layout.regions.map(\.prompt), ["a red circle"])
    }

    func testAnUnreadableLayoutFileIsAMessageAndNothingChanges() throws {
        let path = directory.appendingPathComponent("broken.toml").path
        try Data("regions = [[[".utf8).write(to: URL(fileURLWithPath: path))
        keys([.ctrl("l"), .character("n")])
        typeText("kept")
        keys([.enter, .ctrl("o"), .ctrl("u")])
        typeText(path)
        keys([.enter])
        XCTAssertEqual(app.state.status?.isError, true)
        XCTAssertTrue(app.state.status?.text.contains("broken.toml") == true, app.state.status?.text ?? "")
        XCTAssertEqual(app.state.layout.canvas.prompts, ["kept"])
    }

    func testANonPNGChosenAsEditSourceIsAMessage() throws {
        let path = directory.appendingPathComponent("not-an-image.png").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        keys([.ctrl("e"), .ctrl("o")])
        typeText(path)
        keys([.enter])
        XCTAssertEqual(app.state.status?.isError, true)
        XCTAssertNil(app.state.edit.source)
        keys([.character("q")])
        XCTAssertTrue(app.state.status?.text.contains("no source image") == true)
    }

    func testQuitRestoresTheTerminalAndDrawsOnlyOnChange() {
        app.step()
        let drawn = terminal.screens.count
        XCTAssertGreaterThan(drawn, 0)
        app.step()
        XCTAssertEqual(terminal.screens.count, drawn, "nothing changed, nothing drawn")
        terminal.events = [.key(.character("a")), .key(.ctrl("q"))]
        app.run()
        XCTAssertTrue(app.state.isQuitting)
        XCTAssertTrue(terminal.restored)
        XCTAssertTrue(app.session.isClosed)
    }

    func testResizeRedrawsAtTheNewSize() {
        app.step()
        terminal.size = TerminalSize(columns: 70, rows: 22)
        terminal.events = [.resize]
        app.step()
        XCTAssertEqual(terminal.lastScreen?.size, TerminalSize(columns: 70, rows: 22))
        terminal.size = TerminalSize(columns: 40, rows: 10)
        terminal.events = [.resize]
        app.step()
        XCTAssertTrue(terminal.lastScreen?.text.contains("terminal too small") == true)
    }
}
