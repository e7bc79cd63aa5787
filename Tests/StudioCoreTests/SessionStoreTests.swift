import Foundation
import XCTest
@testable import StudioCore

/// Sessions seen from outside: read without opening, removed whole (and nothing else), ids that
/// could name another folder refused; a headless run stopped by the user leaves its jobs queued.
final class SessionStoreTests: XCTestCase {
    func testAReplayReadsTheQueueWithoutOpeningTheSession() throws {
        let fixture = try StudioFixture(testCase: self)
        let session = try fixture.createSession()
        try session.pause()
        try session.enqueue(JobRequest(parameters: tinyParameters(seed: 1)))
        try session.enqueue(JobRequest(parameters: tinyParameters(seed: 2)))
        // Still open (and locked) in this "studio": a replay only reads.
        let replay = try fixture.store.replay(of: session.id)
        XCTAssertEqual(replay.header?.id, session.id)
        XCTAssertEqual(replay.queue, session.queue)
        XCTAssertEqual(replay.notes, [])
        XCTAssertEqual(try Data(contentsOf: session.journalURL).count, try Data(contentsOf: session.journalURL).count)
        XCTAssertThrowsError(try fixture.store.replay(of: "2001-01-01-a")) { error in
            XCTAssertEqual(error as? SessionError, .unknownSession(id: "2001-01-01-a", root: fixture.store.root.path))
        }
    }

    func testIdsThatNameAnotherFolderAreRefused() throws {
        let fixture = try StudioFixture(testCase: self)
        let session = try fixture.createSession()
        session.close()
        try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("outside"), withIntermediateDirectories: true)
        for id in ["", ".", "..", "../outside", "\(session.id)/..", ".last-session", "a/b"] {
            XCTAssertThrowsError(try fixture.store.checkID(id), id)
            XCTAssertThrowsError(try fixture.store.replay(of: id), id)
            XCTAssertThrowsError(try fixture.store.removeSession(id), id)
            XCTAssertThrowsError(try Session.open(id: id, in: fixture.store, worker: fixture.makeWorker()), id)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("outside").path))
        XCTAssertEqual(fixture.store.sessionIDs(), [session.id])
    }

    func testRemovingASessionDeletesItsFolderOnly() throws {
        let fixture = try StudioFixture(testCase: self)
        let elsewhere = fixture.root.appendingPathComponent("images", isDirectory: true)
        let kept = try fixture.createSession(imageDirectory: elsewhere)
        let removed = try fixture.createSession()
        try removed.enqueue(JobRequest(parameters: tinyParameters()))
        runToIdle(removed)
        try kept.enqueue(JobRequest(parameters: tinyParameters()))
        runToIdle(kept)
        let keptImage = try XCTUnwrap(kept.imageURL(of: JobID(1)))
        // A link inside the folder to a file outside it: the link goes, the file stays.
        let precious = fixture.root.appendingPathComponent("precious.txt")
        try Data("keep".utf8).write(to: precious)
        try FileManager.default.createSymbolicLink(at: removed.directory.appendingPathComponent("link"), withDestinationURL: precious)

        XCTAssertThrowsError(try fixture.store.removeSession(removed.id)) { error in
            XCTAssertEqual(error as? SessionError, .locked(path: removed.directory.path), "open in a studio")
        }
        removed.close()
        kept.close()
        try fixture.store.removeSession(removed.id)
        XCTAssertFalse(FileManager.default.fileExists(atPath: removed.directory.path))
        XCTAssertEqual(try Data(contentsOf: precious), Data("keep".utf8))
        XCTAssertEqual(fixture.store.sessionIDs(), [kept.id])

        try fixture.store.removeSession(kept.id)
        XCTAssertTrue(FileManager.default.fileExists(atPath: keptImage.path), "images in another folder stay")
        XCTAssertEqual(fixture.store.sessionIDs(), [])
    }

    func testAHeadlessRunStoppedByTheUserLeavesItsJobsQueued() throws {
        let fixture = try StudioFixture(testCase: self)
        let session = try fixture.createSession()
        let (preset, _) = try PresetLoader().load(text: "[settings]\nprompt = \"x\"\nsteps = 3\nsize = \"16x16\"\ncount = 3",
                                                  file: "three.toml", source: .user(path: "three.toml"))
        fixture.script.hold(atStep: 2)
        let stop = Locked(false)
        let report = try PresetRunner(session: session).run(preset, prompt: nil, seed: 1, timeout: 30,
                                                            stop: StopRequest { stop.snapshot }) { event in
            if case .worker(.step) = event { stop.withLock { $0 = true } }
        }
        XCTAssertEqual(report.ending, .interrupted)
        XCTAssertEqual(report.outputs, [])
        XCTAssertEqual(report.failures, [:])
        XCTAssertFalse(report.succeeded)
        // Closing stops the running job at its next step; it goes back to the front of the queue.
        session.willWaitForWorkerOnClose = { fixture.script.release() }
        session.close()
        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.queue.counts[.done] ?? 0, 0)
        XCTAssertEqual(reopened.queue.pending.count + (reopened.queue.running == nil ? 0 : 1), 3)
        runToIdle(reopened)
        XCTAssertEqual(reopened.queue.counts[.done], 3)
    }
}
