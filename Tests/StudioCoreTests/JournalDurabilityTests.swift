import Foundation
import XCTest
@testable import StudioCore

/// Durability seen where it happens, in the system calls (reading the journal back proves nothing:
/// the page cache answers): every journal line is written and flushed before the change it records
/// is made, the new session's folders are flushed, and a failed write or flush leaves no half line.
final class JournalDurabilityTests: XCTestCase {
    private func makeSession() throws -> (Session, RecordingFileOperations, StudioFixture) {
        let fixture = try StudioFixture(testCase: self)
        let operations = RecordingFileOperations(base: fixture.store.root)
        var options = fixture.options
        options.fileOperations = operations
        let session = try Session.create(in: fixture.store, worker: fixture.makeWorker(), options: options)
        return (session, operations, fixture)
    }

    func testCreatingASessionFlushesItsJournalAndBothFolders() throws {
        let (session, operations, _) = try makeSession()
        let journal = "\(session.id)/journal.jsonl"
        XCTAssertEqual(operations.trace, [
            "open \(journal)", "flock \(journal)",
            "fsync-directory \(session.id)",  // the journal's name in the session folder
            "fsync-directory .",              // the session folder's name in the store
            "lseek \(journal)", "write \(journal)", "fsync \(journal)",  // header and "opened"
        ])
    }

    func testEveryChangeIsFlushedBeforeTheCallReturns() throws {
        let (session, operations, _) = try makeSession()
        let journal = "\(session.id)/journal.jsonl"
        for change in [{ try session.pause() },
                       { _ = try session.enqueue(JobRequest(parameters: tinyParameters(seed: 1))) },
                       { _ = try session.enqueue(JobRequest(parameters: tinyParameters(seed: 2))) },
                       { try session.moveUp(JobID(2)) },
                       { try session.cancel(JobID(1)) }] {
            operations.clearTrace()
            try change()
            XCTAssertEqual(operations.trace, ["lseek \(journal)", "write \(journal)", "fsync \(journal)"])
        }
    }

    func testAFailedFlushRefusesTheChangeAndCutsTheLineBack() throws {
        let (session, operations, _) = try makeSession()
        let journal = "\(session.id)/journal.jsonl"
        try session.pause()
        let before = try Data(contentsOf: session.journalURL)
        operations.clearTrace()
        operations.fail("fsync", on: journal, code: EIO)
        XCTAssertThrowsError(try session.enqueue(JobRequest(parameters: tinyParameters()))) { error in
            XCTAssertEqual(error as? SessionError, .journalUnwritable(path: session.journalURL.path, reason: String(cString: strerror(EIO))))
        }
        XCTAssertEqual(operations.trace, ["lseek \(journal)", "write \(journal)", "fsync \(journal)", "ftruncate \(journal)"])
        XCTAssertTrue(session.queue.jobs.isEmpty, "the change was not made")
        XCTAssertEqual(try Data(contentsOf: session.journalURL), before, "no half line")
    }

    func testAJournalThatCannotRecordAStartEndsTheRunWithTheReason() throws {
        let (session, operations, _) = try makeSession()
        // The first write (the job queued) succeeds, the second (its start) finds the disk full.
        operations.fail("write", on: "\(session.id)/journal.jsonl", code: ENOSPC, after: 1)
        let (preset, _) = try PresetLoader().load(text: "[settings]\nprompt = \"x\"\nsteps = 2\nsize = \"16x16\"",
                                                  file: "one.toml", source: .user(path: "one.toml"))
        let report = try PresetRunner(session: session).run(preset, prompt: nil, seed: 1, timeout: 30)
        guard case let .stalled(reason)? = report.ending else { return XCTFail("\(String(describing: report.ending))") }
        XCTAssertEqual(reason, "cannot start job #1: \(session.journalURL.path): cannot write the journal: "
                       + "\(String(cString: strerror(ENOSPC))); the change was not made (free some space or fix the folder's permissions)")
        XCTAssertFalse(report.succeeded)
        XCTAssertEqual(report.jobs, [JobID(1)])
        XCTAssertEqual(session.queue[JobID(1)]?.state, .queued, "still queued, for a later resume")
    }
}
