import Foundation
import StudioCore
import XCTest

/// The studio end to end: the real `dit-studio` in a tmux pane of its own server, driven with
/// `send-keys` and read back with `capture-pane`. Every wait has a deadline; the server is killed
/// at the end whatever happens. Data and config go to a temporary XDG home.
final class StudioTerminalTests: XCTestCase {
    private var socket = ""
    private var home: URL!

    override func setUpWithError() throws {
        guard let tmux = Self.tmuxPath else {
            XCTFail("tmux is needed for the studio's terminal tests (make deps installs it)")
            throw XCTSkip("no tmux")
        }
        _ = tmux
        socket = "dit-studio-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        home = try makeCLITemporaryDirectory(for: self, "StudioTerminalTests")
    }

    override func tearDown() {
        var sockets = [socket]
        if socket.hasSuffix("-signal") { sockets.append(String(socket.dropLast(7))) }
        for name in sockets {
            socket = name
            _ = try? tmux(["kill-server"])
            // tmux can leave the socket file behind; it is ours (default TMUX_TMPDIR).
            unlink((ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp") + "/tmux-\(getuid())/\(name)")
        }
    }

    static let tmuxPath: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs tmux with posix_spawn and waitpid: Foundation's `Process` waits on a descriptor that the
    /// server `new-session` forks would inherit and keep open, so it would never see tmux exit.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let outputURL = home.appendingPathComponent("tmux-output-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: outputURL) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, home.appendingPathComponent("tmux-stderr").path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        let argv = ([Self.tmuxPath ?? "/usr/bin/tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0]!, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    }

    private var binary: String { productsDirectory.appendingPathComponent("dit-studio").path }

    /// Starts the studio in a `columns × rows` pane; the shell around it reports its exit status.
    private func start(_ arguments: [String] = [], columns: Int = 120, rows: Int = 40) throws {
        let quoted = ([binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let command = "cd '\(repositoryRoot.path)' && env -u NO_COLOR -u COLORTERM TERM=xterm-256color XDG_DATA_HOME='\(home.path)/data' "
            + "XDG_CONFIG_HOME='\(home.path)/config' \(quoted); echo \"studio-exit=$?\"; sleep 600"
        try tmux(["new-session", "-d", "-x", "\(columns)", "-y", "\(rows)", "-s", "studio", command])
        try waitFor("DiT Studio", seconds: 60)
    }

    private func screen(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p"] + (escapes ? ["-e"] : []) + ["-t", "studio"])
    }

    private func keys(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "studio"] + keys)
    }

    private func text(_ text: String) throws {
        try tmux(["send-keys", "-t", "studio", "-l", text])
    }

    /// Waits until the screen satisfies `condition`; fails with the screen when it does not in time.
    @discardableResult
    private func waitUntil(seconds: Double, escapes: Bool = false, _ what: String, file: StaticString = #filePath, line: UInt = #line,
                           _ condition: (String) -> Bool) throws -> String {
        let deadline = Date(timeIntervalSinceNow: seconds)
        var last = ""
        while Date() < deadline {
            last = try screen(escapes: escapes)
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("timed out after \(seconds) s waiting for \(what); the screen:\n\(last)", file: file, line: line)
        throw XCTSkip("timed out")
    }

    @discardableResult
    private func waitFor(_ needle: String, seconds: Double = 30, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try waitUntil(seconds: seconds, "'\(needle)'", file: file, line: line) { $0.contains(needle) }
    }

    /// Waits for `needle` on a screen that has finished drawing: two captures 0.1 s apart that agree.
    /// (A capture can catch curses halfway through a redraw, with the lower rows still the old ones.)
    @discardableResult
    private func waitForSettled(_ needle: String, seconds: Double = 30, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        var previous = ""
        return try waitUntil(seconds: seconds, "'\(needle)' on a settled screen", file: file, line: line) { screen in
            defer { previous = screen }
            return screen.contains(needle) && screen == previous
        }
    }

    /// Opens the settings panel and brings the steps from the model's 20 down to `steps`.
    private func setSteps(_ steps: Int) throws {
        try keys("C-s")
        try waitFor("Settings")
        for _ in 0..<(20 - steps) { try keys("Left") }
        try waitFor("steps         \(steps) ")
        try keys("Escape")
        // Wait for the panel to close: a key sent right after ESC would read as Alt+key.
        try waitUntil(seconds: 10, "the settings panel to close") { $0.contains("steps \(steps) ·") && !$0.contains("Settings") }
    }

    private var sessionsDirectory: URL { home.appendingPathComponent("data/dit-studio/sessions") }

    private func images() throws -> [URL] {
        let sessions = (try? FileManager.default.contentsOfDirectory(atPath: sessionsDirectory.path)) ?? []
        return sessions.flatMap { session -> [URL] in
            let folder = sessionsDirectory.appendingPathComponent(session)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.filter { $0.hasSuffix(".png") && !$0.hasPrefix(".") }.map { folder.appendingPathComponent($0) }
        }
    }

    // MARK: - Tests

    func testAPromptQueuesAtOnceThePreviewFormsAndTheImageReplaysExactly() throws {
        try start()
        try setSteps(6)
        try text("a large red circle on a blue background")
        try keys("Enter")
        try waitUntil(seconds: 60, "the running job with its progress bar") { $0.contains("▶ #1") && $0.contains("/6") }
        // The preview fills with coloured half blocks while it runs (256-colour SGR on ▀ cells).
        try waitUntil(seconds: 60, escapes: true, "coloured half-block preview cells") { screen in
            screen.components(separatedBy: "▀").count > 200 && screen.contains("38;5;")
        }
        try waitFor("✓ #1", seconds: 120)
        let image = try XCTUnwrap(try images().first, "no PNG in the session folder")
        let replay = home.appendingPathComponent("replay.png")
        let result = try runDiTStudio(["generate", "--from", image.path, "--out", replay.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(try PNGFile.read(from: replay).image, try PNGFile.read(from: image).image, "the replay is pixel-identical")
    }

    /// A model whose studio.json names steps and guidance but no shift (so the scheduler's 2.0 is
    /// the shift): an image queued in the studio with nothing changed, and `generate` given only the
    /// prompt, seed and model, are the same pixels, because both resolve the model's defaults alike.
    func testTheStudioAndGenerateResolveAModelsDefaultsAlike() throws {
        let model = home.appendingPathComponent("model")
        let shipped = try DefaultModel.directory()
        try FileManager.default.createDirectory(at: model.appendingPathComponent("scheduler"), withIntermediateDirectories: true)
        for part in ["model_index.json", "transformer", "text_encoder", "tokenizer", "vae"] {
            try FileManager.default.createSymbolicLink(at: model.appendingPathComponent(part),
                                                       withDestinationURL: shipped.appendingPathComponent(part))
        }
        try Data(#"{"_class_name": "FlowMatchEulerDiscreteScheduler", "shift": 2.0}"#.utf8)
            .write(to: model.appendingPathComponent("scheduler/scheduler_config.json"))
        try Data(#"{"steps": 3, "guidance": 2.5}"#.utf8).write(to: model.appendingPathComponent("studio.json"))

        try start(["--new-session", "--model", model.path])
        try waitFor("steps 3 · cfg 2.5 · shift 2.0")
        try text("a large red circle")
        try keys("Enter")
        try waitFor("✓ #1", seconds: 120)
        let image = try XCTUnwrap(try images().first, "no PNG in the session folder")
        // `<job>-<seed>.png`
        let seed = try XCTUnwrap(image.deletingPathExtension().lastPathComponent.split(separator: "-").last.map(String.init))
        let again = home.appendingPathComponent("again.png")
        let result = try runDiTStudio(["generate", "a large red circle", "--seed", seed, "--model", model.path, "--out", again.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(try PNGFile.read(from: again).image, try PNGFile.read(from: image).image,
                       "the studio and generate made the same image from the model's defaults")
    }

    func testResizeMidGenerationTooSmallAndCancel() throws {
        try start()
        try text("a small green square")
        try keys("Enter")
        try waitUntil(seconds: 60, "a running job") { $0.contains("▶ #1") && $0.contains("step ") }
        try tmux(["resize-window", "-t", "studio", "-x", "80", "-y", "30"])
        try waitUntil(seconds: 10, "the redraw at 80 columns") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 30 && lines[1].hasPrefix("┌ Preview") && lines[1].hasSuffix("┐") && lines[1].count == 80
        }
        try tmux(["resize-window", "-t", "studio", "-x", "50", "-y", "15"])
        try waitFor("terminal too small")
        try waitFor("50×15, needs 60×20")
        try tmux(["resize-window", "-t", "studio", "-x", "100", "-y", "32"])
        try waitUntil(seconds: 10, "the studio back at 100×32") { $0.contains("┌ Queue") && !$0.contains("too small") }
        try keys("C-x")
        try waitUntil(seconds: 60, "the cancelled job in the history") { $0.contains("✗ #1") && $0.contains("cancelled") }
        XCTAssertTrue(try images().isEmpty, "a cancelled job writes no image")
    }

    func testTwoRegionsDrawnInTheLayoutEditorAreQueuedAsALayout() throws {
        try start()
        try setSteps(4)
        try text("a red circle and a blue square")
        try keys("C-l")
        try waitFor("Layout · base ratio 0.30 · 0 regions")
        try keys("n")
        try waitFor("Region 1 prompt")
        try text("a red circle")
        try keys("Enter", "n")
        try waitFor("Region 2 prompt")
        try text("a blue square")
        try keys("Enter")
        for _ in 0..<10 { try keys("Right") }
        try keys("S-Right", "S-Down")
        try waitFor("2 regions")
        try keys("q")
        try waitFor("layout · 2 regions")
        try waitFor("✓ #1", seconds: 120)
        let journal = try String(contentsOf: try XCTUnwrap(try images().first).deletingLastPathComponent()
            .appendingPathComponent("journal.jsonl"), encoding: .utf8)
        XCTAssertTrue(journal.contains(#""type":"regional""#), journal)
        XCTAssertTrue(journal.contains(#""prompt":"a blue square""#), journal)
    }

    /// Mouse input as a terminal sends it with SGR reporting (`ESC [ < button ; column ; row M`, `m`
    /// on release; 32 added to the button while it moves), written into the pane as its input.
    private func mouse(_ button: Int, column: Int, row: Int, release: Bool = false) throws {
        try text("\u{1B}[<\(button);\(column + 1);\(row + 1)" + (release ? "m" : "M"))
    }

    func testDraggingWithTheMouseDrawsARegionInTheLayoutEditor() throws {
        try start()
        try setSteps(2)
        try text("a red circle on a white background")
        try keys("C-l")
        let before = try waitForSettled("0 regions")
        // The canvas is the dotted area of the preview pane (measured on a finished redraw: a capture
        // halfway through one showed fewer dotted rows than the canvas has).
        let lines = before.components(separatedBy: "\n")
        let top = try XCTUnwrap(lines.firstIndex { $0.contains("····") })
        let bottom = try XCTUnwrap(lines.lastIndex { $0.contains("····") })
        let left = try XCTUnwrap(Array(lines[top]).firstIndex(of: "·"))
        let width = Array(lines[top]).filter { $0 == "·" }.count
        let height = bottom - top + 1
        let (startColumn, startRow) = (left + width / 5, top + height / 5)
        let (endColumn, endRow) = (left + width / 2, top + height / 2)
        try mouse(0, column: startColumn, row: startRow)
        try mouse(32, column: (startColumn + endColumn) / 2, row: (startRow + endRow) / 2)
        try mouse(32, column: endColumn, row: endRow)
        try mouse(0, column: endColumn, row: endRow, release: true)
        try waitFor("Region 1 prompt")
        try text("a red circle")
        try keys("Enter")
        let drawn = try waitFor("base ratio 0.30 · 1 region ")
        XCTAssertTrue(drawn.contains("┏") && drawn.contains("┛"), "the region is drawn as a box on the canvas:\n\(drawn)")
        try keys("q")
        try waitFor("layout · 1 region ")
        let store = SessionStore(root: sessionsDirectory)
        let replay = try store.replay(of: try XCTUnwrap(store.sessionIDs().first))
        guard case let .regional(layout)? = replay.queue[JobID(1)]?.kind else {
            return XCTFail("job #1 is not a layout: \(String(describing: replay.queue[JobID(1)]))")
        }
        XCTAssertEqual(layout.regions.map(\.prompt), ["a red circle"])
        let box = try XCTUnwrap(layout.regions.first?.box)
        // The box starts where the button went down and ends where it came up (to a cell: 1/width, 1/height).
        XCTAssertEqual(box.x0, Double(startColumn - left) / Double(width), accuracy: 1.5 / Double(width))
        XCTAssertEqual(box.y0, Double(startRow - top) / Double(height), accuracy: 1.5 / Double(height))
        XCTAssertEqual(box.x1, Double(endColumn + 1 - left) / Double(width), accuracy: 1.5 / Double(width))
        XCTAssertEqual(box.y1, Double(endRow + 1 - top) / Double(height), accuracy: 1.5 / Double(height))
    }

    func testAnInpaintFromTheEditPanelLandsInHistoryLinkedToItsSource() throws {
        try start()
        try setSteps(4)
        try text("a large red circle")
        try keys("Enter")
        try waitFor("✓ #1", seconds: 120)
        try keys("C-e")
        try waitFor("Edit · img2img ← #1")
        try keys("n")
        try waitFor("box 1:")
        try keys("Enter", "C-u")
        try text("a yellow triangle")
        try keys("Enter", "q")
        try waitFor("inpaint ← #1")
        try waitFor("✓ #2", seconds: 120)
        XCTAssertEqual(try images().count, 2)
    }

    func testQuitRestoresTheTerminalAndASignalDoesToo() throws {
        try start()
        try keys("C-q")
        try waitFor("studio-exit=0")
        XCTAssertEqual(try tmux(["display-message", "-p", "-t", "studio", "#{alternate_on} #{cursor_flag}"]), "0 1\n",
                       "the alternate screen is left and the cursor is visible")

        try tmux(["kill-server"])
        socket += "-signal"  // a server of its own: the old one may still be going away
        try start(["--new-session"])
        try tmux(["send-keys", "-t", "studio", "-l", "half typed"])
        let pid = try tmux(["display-message", "-p", "-t", "studio", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        // The pane's shell runs the studio as its child.
        let children = try String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)
        let studio = try XCTUnwrap(Int32(children.split(separator: " ").first ?? ""), "no studio process under the pane's shell")
        kill(studio, SIGTERM)
        try waitFor("studio-exit=")
        XCTAssertEqual(try tmux(["display-message", "-p", "-t", "studio", "#{alternate_on} #{cursor_flag}"]), "0 1\n")
    }
}
