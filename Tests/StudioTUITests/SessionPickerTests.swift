import Foundation
import StudioCore
import XCTest
@testable import StudioTUI

/// Deleting a session from the session picker: a second key confirms, the open one is never deleted.
final class SessionPickerTests: XCTestCase {
    /// The session picker open over the session "2026-11-30-a" (makeState's), with two others.
    private func picker() -> AppState {
        var state = makeState()
        press([.ctrl("o")], &state)
        Reducer.reduce(&state, .pickerItems([PickerLabels.newSession, "2026-11-29-a", "2026-11-30-a", "2026-11-28-b"]))
        return state
    }

    func testDTwiceDeletesTheSelectedSession() {
        var state = picker()
        press([.down], &state)
        XCTAssertEqual(press([.character("d")], &state), [], "the first d only asks")
        XCTAssertEqual(state.pendingSessionDeletion, "2026-11-29-a")
        XCTAssertTrue(state.status?.text.contains("d again deletes session 2026-11-29-a") ?? false)
        XCTAssertEqual(press([.character("d")], &state), [.deleteSession("2026-11-29-a")])
        XCTAssertNil(state.pendingSessionDeletion)

        Reducer.reduce(&state, .sessionDeleted("2026-11-29-a"))
        XCTAssertEqual(state.pickerItems, [PickerLabels.newSession, "2026-11-30-a", "2026-11-28-b"])
        XCTAssertEqual(state.overlay, .picker(.sessions), "the list stays open")
    }

    func testAnyOtherKeyBetweenTheTwoKeepsTheSession() {
        var state = picker()
        press([.down, .character("d"), .down, .up], &state)
        XCTAssertNil(state.pendingSessionDeletion)
        XCTAssertEqual(press([.character("d")], &state), [], "armed again, not deleted")
        press([.escape], &state)
        XCTAssertNil(state.pendingSessionDeletion)
    }

    func testTheOpenSessionAndNewSessionAreNeverDeleted() {
        var state = picker()
        press([.down, .down], &state)
        XCTAssertEqual(state.pickerItems[state.pickerSelection], state.session.id)
        XCTAssertEqual(press([.character("d"), .character("d"), .delete], &state), [])
        XCTAssertEqual(state.status?.isError, true)
        XCTAssertTrue(state.status?.text.contains("is open") ?? false)
        press([.up, .up], &state)
        XCTAssertEqual(press([.character("d"), .character("d")], &state), [])

        var presets = makeState()
        press([.ctrl("p")], &presets)
        Reducer.reduce(&presets, .pickerItems(["draft", "final"]))
        XCTAssertEqual(press([.character("d"), .character("d")], &presets), [])
        XCTAssertTrue(presets.status?.text.contains("only sessions") ?? false)
    }

    func testThePickerMarksTheOpenSessionAndTheOneAboutToGo() {
        var state = picker()
        press([.down, .character("d")], &state)
        let screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("2026-11-30-a  · open"), screen.text)
        XCTAssertTrue(screen.text.contains("2026-11-29-a") && screen.text.contains("d again deletes it"))
        XCTAssertTrue(screen.text.contains("Sessions · ⏎ choose · d delete · esc close"))
    }

    func testInTheStudioTheSecondDRemovesTheFolderAndTheOpenOneStays() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("SessionPickerTests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let worker = Worker(engine: DiTGenerationEngine.factory())
        defer { worker.shutdown(timeout: 10) }
        let store = SessionStore(root: directory)
        let old = try Session.create(in: store, worker: worker)
        let oldID = old.id
        old.close()
        let session = try Session.create(in: store, worker: worker)
        let app = StudioApp.forTesting(session: session, store: store, worker: worker)
        defer { app.session.close() }
        app.dispatch(.input(.key(.ctrl("o"))))
        XCTAssertEqual(Set(app.state.pickerItems), Set([PickerLabels.newSession, oldID, session.id]))

        // The open one: refused by the reducer, so also by the store's lock were it asked.
        let openRow = try XCTUnwrap(app.state.pickerItems.firstIndex(of: session.id))
        for _ in 0..<openRow { app.dispatch(.input(.key(.down))) }
        app.dispatch(.input(.key(.character("d"))))
        app.dispatch(.input(.key(.character("d"))))
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.directory(for: session.id).path))

        for _ in 0..<4 { app.dispatch(.input(.key(.up))) }
        let oldRow = try XCTUnwrap(app.state.pickerItems.firstIndex(of: oldID))
        for _ in 0..<oldRow { app.dispatch(.input(.key(.down))) }
        app.dispatch(.input(.key(.character("d"))))
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.directory(for: oldID).path), "not before the second d")
        app.dispatch(.input(.key(.character("d"))))
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.directory(for: oldID).path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.directory(for: session.id).path))
        XCTAssertEqual(app.state.status?.text, "deleted session \(oldID) and its folder")
        XCTAssertFalse(app.state.pickerItems.contains(oldID))
    }
}
