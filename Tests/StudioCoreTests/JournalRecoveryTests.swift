import Foundation
import XCTest
@testable import StudioCore

/// Reopening a session after a crash (simulated by dropping the session without closing it, and
/// by cutting its journal) at every point: nothing finished is lost, the running job is queued
/// again at the front, queued jobs keep their order, torn lines are ignored with a warning.
final class JournalRecoveryTests: XCTestCase {
    private var fixture: StudioFixture!

    override func setUpWithError() throws {
        fixture = try StudioFixture(testCase: self)
    }

    private func request(seed: UInt64 = 1234, steps: Int = 4, count: Int = 1) -> JobRequest {
        JobRequest(parameters: tinyParameters(seed: seed, steps: steps), seedPolicy: .increment, count: count)
    }

    private func journalLines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func testAfterACrashRightAfterEnqueueTheQueueComesBackInOrderAndPaused() throws {
        let session = try fixture.createSession()
        try session.pause()
        let ids = try session.enqueue(request(count: 3))
        try session.moveUp(ids[2])
        session.abandon()

        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.queue.pending, [ids[0], ids[2], ids[1]])
        XCTAssertTrue(reopened.queue.isPaused)
        XCTAssertEqual(reopened.openingNotes, [])
        try reopened.resume()
        runToIdle(reopened)
        XCTAssertEqual(reopened.queue.counts[.done], 3)
    }

    func testAfterACrashMidRunTheRunningJobIsQueuedAgainAtTheFront() throws {
        let firstWorker = fixture.makeWorker()
        let session = try fixture.createSession(worker: firstWorker)
        fixture.script.hold(atStep: 2)
        let ids = try session.enqueue(request(count: 3))
        try session.moveUp(ids[2])
        fixture.script.waitUntilHeld()
        session.abandon()                           // kill -9 while step 2 runs…
        fixture.script.release(abort: true)        // …and the old process never finishes it
        firstWorker.shutdown(timeout: 10)

        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.openingNotes, ["job #1 was running when the studio stopped; it is queued again at the front"])
        XCTAssertEqual(reopened.queue.running, ids[0], "first to run again")
        XCTAssertEqual(reopened.queue.pending, [ids[2], ids[1]], "the others keep their order")
        runToIdle(reopened)
        XCTAssertEqual(reopened.queue.history, [ids[0], ids[2], ids[1]])
        XCTAssertEqual(try directoryListing(reopened.directory), ["0001-1234.png", "0002-1235.png", "0003-1236.png", "journal.jsonl"])
    }

    func testAnImageWrittenJustBeforeTheCrashCountsAsDone() throws {
        let session = try fixture.createSession()
        try session.enqueue(request())
        while session.worker.isBusy { session.worker.inbox.wait(timeout: 0.05) }  // written, but never pumped
        XCTAssertTrue(FileManager.default.fileExists(atPath: session.directory.appendingPathComponent("0001-1234.png").path))
        session.abandon()

        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.openingNotes, ["job #1 had written 0001-1234.png just before the studio stopped; it is done"])
        XCTAssertEqual(reopened.queue[JobID(1)]?.state, .done)
        XCTAssertEqual(fixture.script.generatedSeeds, [1234], "not generated twice")
    }

    func testACancelAskedForJustBeforeTheCrashEndsCancelled() throws {
        let firstWorker = fixture.makeWorker()
        let session = try fixture.createSession(worker: firstWorker)
        fixture.script.hold(atStep: 1)
        let ids = try session.enqueue(request(count: 2))
        fixture.script.waitUntilHeld()
        try session.cancel(ids[0])
        session.abandon()
        fixture.script.release(abort: true)
        firstWorker.shutdown(timeout: 10)

        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.queue[ids[0]]?.state, .cancelled)
        XCTAssertEqual(reopened.openingNotes, ["job #1 was being cancelled when the studio stopped; it is cancelled"])
        runToIdle(reopened)
        XCTAssertEqual(reopened.queue[ids[1]]?.state, .done)
    }

    func testACrashAfterAJobIsDoneAndBeforeTheNextStartsLosesNothing() throws {
        let session = try fixture.createSession()
        try session.enqueue(request(count: 2))
        runToIdle(session)
        session.close()
        // Cut the journal right after the first job's "finished" line, as if the studio died there.
        let lines = try journalLines(session.journalURL)
        let cut = try XCTUnwrap(lines.firstIndex { $0.contains(#""type":"finished""#) })
        try (lines[...cut].joined(separator: "\n") + "\n").write(to: session.journalURL, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: session.directory.appendingPathComponent("0002-1235.png"))

        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.openingNotes, [])
        XCTAssertEqual(reopened.queue[JobID(1)]?.state, .done)
        XCTAssertEqual(reopened.queue.running, JobID(2), "the next job starts")
        runToIdle(reopened)
        XCTAssertEqual(reopened.queue[JobID(2)]?.output, "0002-1235.png")
        XCTAssertEqual(try PNGFile.read(from: reopened.directory.appendingPathComponent("0002-1235.png")).image,
                       FakeEngine.image(for: tinyParameters(seed: 1235), step: 4))
    }

    /// The journal of a finished session, cut after every line (and in the middle of the next one):
    /// each cut reopens to the state its lines describe, with the running job requeued first, and
    /// then runs to the same images an uninterrupted session makes.
    func testEveryCrashPointReopensToAConsistentSession() throws {
        let worker = fixture.makeWorker(previews: .never)
        let session = try fixture.createSession(worker: worker)
        try session.enqueue(request(count: 2))
        let third = try session.enqueue(request(seed: 50))
        try session.cancel(third[0])
        try session.enqueue(request(seed: 60))
        runToIdle(session)
        session.close()
        let journal = try journalLines(session.journalURL).filter { !$0.isEmpty }
        // session, opened, enqueued #1 #2, started #1, enqueued #3, cancelled #3, enqueued #4,
        // finished #1, started #2, finished #2, started #4, finished #4
        XCTAssertEqual(journal.count, 13)

        var checked = 0
        for cut in 1...journal.count {
            for torn in [false, true] where !(torn && cut == journal.count) {
                let root = fixture.root.appendingPathComponent("crash-\(cut)-\(torn)", isDirectory: true)
                let store = SessionStore(root: root)
                let directory = store.directory(for: session.id)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                var text = journal[..<cut].joined(separator: "\n") + "\n"
                if torn { text += String(journal[cut].prefix(journal[cut].count / 2)) }
                try text.write(to: directory.appendingPathComponent("journal.jsonl"), atomically: true, encoding: .utf8)

                // What the cut journal says, replayed directly.
                var expected = JobQueue()
                for line in journal[..<cut] {
                    if case let .queue(event) = try StudioJSON.decode(JournalRecord.self, from: Data(line.utf8)) {
                        try expected.apply(event)
                    }
                }
                // Images exist for the jobs whose "finished" line made it (worst case for the others).
                for job in expected.historyJobs where job.state == .done {
                    let name = try XCTUnwrap(job.output)
                    try FileManager.default.copyItem(at: session.directory.appendingPathComponent(name),
                                                     to: directory.appendingPathComponent(name))
                }

                let reopened = try Session.open(id: session.id, in: store, worker: worker, options: fixture.options)
                let context = "cut after line \(cut)\(torn ? " + half a line" : "")"
                if torn {
                    XCTAssertTrue(reopened.openingNotes.contains(
                        "\(directory.appendingPathComponent("journal.jsonl").path):\(cut + 1): the last line is incomplete "
                        + "(the studio stopped while writing it); ignored"), "\(context): \(reopened.openingNotes)")
                }
                XCTAssertEqual(Set(reopened.queue.jobs.keys), Set(expected.jobs.keys), context)
                for id in expected.history {
                    XCTAssertEqual(reopened.queue[id]?.state, expected[id]?.state, "\(context): \(id)")
                }
                let expectedOrder = (expected.running.map { [$0] } ?? []) + expected.pending
                let actualOrder = (reopened.queue.running.map { [$0] } ?? []) + reopened.queue.pending
                XCTAssertEqual(actualOrder, expectedOrder, "\(context): queued jobs keep their order, the interrupted one first")

                runToIdle(reopened)
                let done = reopened.queue.historyJobs.filter { $0.state == .done }
                let cancelled = expected.jobs.values.filter { $0.state == .cancelled }.map(\.id)
                XCTAssertEqual(done.map(\.id).sorted(), expected.jobs.keys.filter { !cancelled.contains($0) }.sorted(),
                               "\(context): every job the journal knows, and did not cancel, ends done")
                if cut >= 7 { XCTAssertEqual(reopened.queue[third[0]]?.state, .cancelled, context) }
                for job in done {
                    let image = try PNGFile.read(from: reopened.url(forOutput: try XCTUnwrap(job.output))).image
                    XCTAssertEqual(image, FakeEngine.image(for: job.parameters, step: job.parameters.steps), context)
                }
                let files = try directoryListing(directory).filter { $0.hasSuffix(".png") }
                XCTAssertEqual(files, done.map { $0.output! }.sorted(), "\(context): one image per done job")
                reopened.close()

                // The repaired journal reads back cleanly.
                let again = try Session.open(id: session.id, in: store, worker: worker, options: fixture.options)
                XCTAssertEqual(again.openingNotes, [], context)
                XCTAssertEqual(again.queue, reopened.queue, context)
                again.close()
                checked += 1
            }
        }
        XCTAssertEqual(checked, 25)
    }

    func testATornLastLineIsReportedCutAndTheJournalStaysAppendable() throws {
        let session = try fixture.createSession()
        try session.enqueue(request())
        runToIdle(session)
        session.close()
        let intact = try Data(contentsOf: session.journalURL)
        let handle = try FileHandle(forWritingTo: session.journalURL)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"job":{"batch":null,"created_at":"2026-11-2"#.utf8))
        try handle.close()
        let tornLine = intact.split(separator: 0x0A).count + 1

        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.openingNotes, ["\(session.journalURL.path):\(tornLine): the last line is incomplete (the studio "
                                               + "stopped while writing it); ignored"])
        let repaired = try Data(contentsOf: session.journalURL)
        XCTAssertEqual(repaired.prefix(intact.count), intact, "everything before the torn line is kept")
        XCTAssertFalse(String(decoding: repaired, as: UTF8.self).contains("2026-11-2\""), "the torn bytes are gone")
        try reopened.enqueue(request(seed: 9))
        runToIdle(reopened)
        reopened.close()

        let again = try fixture.reopen(session.id)
        XCTAssertEqual(again.openingNotes, [])
        XCTAssertEqual(again.queue.counts[.done], 2)
    }

    func testAnUnreadableLineInTheMiddleIsSkippedWithAWarning() throws {
        let session = try fixture.createSession()
        try session.enqueue(request())
        runToIdle(session)
        session.close()
        var lines = try journalLines(session.journalURL).filter { !$0.isEmpty }
        lines.insert("this is not JSON", at: 2)
        lines.insert(#"{"type":"teleported","job":1}"#, at: 3)
        try (lines.joined(separator: "\n") + "\n").write(to: session.journalURL, atomically: true, encoding: .utf8)

        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.openingNotes.count, 2, "\(reopened.openingNotes)")
        XCTAssertTrue(reopened.openingNotes[0].hasPrefix("\(session.journalURL.path):3: unreadable line skipped ("))
        XCTAssertTrue(reopened.openingNotes[1].contains(":4: unreadable line skipped (unknown record type 'teleported' "
                                                        + "(written by a newer dit-studio?)"), reopened.openingNotes[1])
        XCTAssertEqual(reopened.queue[JobID(1)]?.state, .done)
    }

    func testEveryChangeIsOnDiskBeforeTheCallReturns() throws {
        let session = try fixture.createSession()
        try session.pause()
        try session.enqueue(request())
        // No close, no flush call: another reader sees the line at once.
        let lines = try journalLines(session.journalURL).filter { !$0.isEmpty }
        XCTAssertTrue(lines.last?.contains(#""type":"enqueued""#) == true, "\(lines)")
        XCTAssertEqual(lines.dropLast().last, #"{"type":"paused"}"#)
    }
}

#if canImport(Glibc)
import Glibc

/// A full disk, simulated with the file-size limit (RLIMIT_FSIZE): writes past it fail with EFBIG
/// as they would with ENOSPC.
final class JournalFullDiskTests: XCTestCase {
    /// Runs `body` with files limited to `bytes`, restoring the limit afterwards.
    private func withFileSizeLimit(_ bytes: Int, _ body: () throws -> Void) rethrows {
        var saved = rlimit()
        getrlimit(fileSizeResource, &saved)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)  // otherwise the kernel kills the process
        var limited = saved
        limited.rlim_cur = rlim_t(bytes)
        setrlimit(fileSizeResource, &limited)
        defer {
            setrlimit(fileSizeResource, &saved)
            signal(SIGXFSZ, previousHandler)
        }
        try body()
    }

    private var fileSizeResource: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_FSIZE.rawValue) }

    func testAFullDiskRefusesTheChangeAndLeavesTheJournalWhole() throws {
        let fixture = try StudioFixture(testCase: self)
        let session = try fixture.createSession()
        try session.pause()
        try session.enqueue(JobRequest(parameters: tinyParameters()))
        let before = try Data(contentsOf: session.journalURL)
        let queueBefore = session.queue

        try withFileSizeLimit(before.count + 10) {
            XCTAssertThrowsError(try session.enqueue(JobRequest(parameters: tinyParameters(seed: 2)))) { error in
                guard case let .journalUnwritable(path, reason)? = error as? SessionError else { return XCTFail("\(error)") }
                XCTAssertEqual(path, session.journalURL.path)
                XCTAssertEqual(reason, String(cString: strerror(EFBIG)))
                XCTAssertTrue("\(error)".hasSuffix("the change was not made (free some space or fix the folder's permissions)"))
            }
        }
        XCTAssertEqual(session.queue, queueBefore, "nothing changed")
        XCTAssertEqual(try Data(contentsOf: session.journalURL), before, "no half line left behind")

        // Space again: the session goes on, and reads back whole.
        try session.resume()
        runToIdle(session)
        XCTAssertEqual(session.queue.counts[.done], 1)
        session.close()
        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.openingNotes, [])
        XCTAssertEqual(reopened.queue.counts[.done], 1)
    }

    func testAFullDiskWhileAJobRunsFailsTheJobAndReopeningSortsItOut() throws {
        let fixture = try StudioFixture(testCase: self)
        let session = try fixture.createSession()
        fixture.script.hold(atStep: 1)
        let ids = try session.enqueue(JobRequest(parameters: GenerateParameters(prompt: "big", seed: 1, steps: 2, width: 64, height: 64)))
        fixture.script.waitUntilHeld()
        let journalSize = try Data(contentsOf: session.journalURL).count
        var problems: [String] = []
        withFileSizeLimit(journalSize + 10) {  // room for neither the image nor the outcome's line
            fixture.script.release()
            while session.worker.isBusy { session.worker.inbox.wait(timeout: 0.05) }
            problems = session.pump().problems
        }
        let job = try XCTUnwrap(session.queue[ids[0]])
        XCTAssertEqual(job.state, .failed, "kept in memory")
        XCTAssertTrue(job.error?.hasPrefix("cannot save the image: ") == true, job.error ?? "")
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("kept in memory only"), problems[0])
        XCTAssertEqual(try directoryListing(session.directory), ["journal.jsonl"], "no partial image, no temporary file")
        session.abandon()

        // The journal still says "running": reopening finds no image and queues the job again.
        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.openingNotes, ["job #1 was running when the studio stopped; it is queued again at the front"])
        runToIdle(reopened)
        XCTAssertEqual(reopened.queue[ids[0]]?.state, .done)
    }

    /// A run used to wait forever here: the start could not be journaled, so the job never went to
    /// the worker, and nothing would ever finish it. Now the wait ends at once with the reason (the
    /// timeout is only a safety net: reaching it fails the test instead of hanging it).
    func testAJournalThatCannotRecordAStartEndsTheWaitInsteadOfHanging() throws {
        let fixture = try StudioFixture(testCase: self)
        let session = try fixture.createSession()
        try session.pause()
        let ids = try session.enqueue(JobRequest(parameters: tinyParameters()))
        let size = try Data(contentsOf: session.journalURL).count
        var outcome: SessionRunOutcome?
        var idle = true
        let started = Date()
        try withFileSizeLimit(size + 25) {  // room for {"type":"resumed"}, not for the job's start
            try session.resume()
            outcome = session.run(until: Set(ids), timeout: 30)
            idle = session.runUntilIdle(timeout: 30)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "no waiting for an event that cannot come")
        let expected = "cannot start job #1: \(session.journalURL.path): cannot write the journal: \(String(cString: strerror(EFBIG)))"
        guard case let .stalled(reason)? = outcome else { return XCTFail("\(String(describing: outcome))") }
        XCTAssertTrue(reason.hasPrefix(expected), reason)
        XCTAssertEqual(session.stalledReason, reason)
        XCTAssertFalse(idle, "runUntilIdle says it did not get the queue done")
        XCTAssertTrue(session.isIdle, "nothing runs and nothing will start")
        XCTAssertEqual(session.queue[ids[0]]?.state, .queued)

        // Space again: the next change that is journaled lets the queue go on (the studio keeps running).
        try session.pause()
        XCTAssertNil(session.stalledReason)
        try session.resume()
        XCTAssertEqual(session.run(until: Set(ids), timeout: 30), .finished)
        XCTAssertEqual(session.queue[ids[0]]?.state, .done)
    }
}
#endif
