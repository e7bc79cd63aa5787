import Foundation
import XCTest
@testable import StudioCore

/// A session driving the worker with a fake engine: queue operations end to end, the journal and
/// images on disk, refusals at enqueue, and an unwritable folder.
final class SessionTests: XCTestCase {
    private var fixture: StudioFixture!

    override func setUpWithError() throws {
        fixture = try StudioFixture(testCase: self)
    }

    private func request(_ prompt: String = "a large red circle", seed: UInt64 = 1234, steps: Int = 4,
                         count: Int = 1, policy: SeedPolicy = .fixed) -> JobRequest {
        JobRequest(parameters: tinyParameters(prompt: prompt, seed: seed, steps: steps), seedPolicy: policy, count: count)
    }

    private func journalTypes(_ session: Session) throws -> [String] {
        try String(contentsOf: session.journalURL, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["type"] as? String ?? "?"
        }
    }

    func testSessionsAreNamedByDateAndTheLastOneIsRemembered() throws {
        let first = try fixture.createSession()
        let second = try fixture.createSession()
        XCTAssertEqual(first.id, "2026-11-25-a")
        XCTAssertEqual(second.id, "2026-11-25-b")
        XCTAssertEqual(fixture.store.sessionIDs(), ["2026-11-25-a", "2026-11-25-b"])
        XCTAssertEqual(fixture.store.lastSessionID, "2026-11-25-b")
        XCTAssertEqual(first.directory, fixture.store.root.appendingPathComponent("2026-11-25-a", isDirectory: true))
        XCTAssertEqual(try journalTypes(first), ["session", "opened"])
        first.close()
        second.close()
        let reopened = try XCTUnwrap(try Session.openLast(in: fixture.store, worker: fixture.makeWorker(), options: fixture.options))
        XCTAssertEqual(reopened.id, "2026-11-25-b")
        XCTAssertEqual(SessionStore.suffix(25), "z")
        XCTAssertEqual(SessionStore.suffix(26), "aa")
        XCTAssertEqual(SessionStore.suffix(27), "ab")
    }

    func testJobsRunInOrderAndWriteNumberedImagesWithTheirSeeds() throws {
        let session = try fixture.createSession()
        try session.enqueue(request("first", seed: 7))
        try session.enqueue(request("second", seed: 8))
        try session.enqueue(request("batch", seed: 100, count: 3, policy: .increment))
        runToIdle(session)

        XCTAssertEqual(session.queue.history.map(\.number), [1, 2, 3, 4, 5])
        XCTAssertTrue(session.queue.historyJobs.allSatisfy { $0.state == .done })
        XCTAssertEqual(session.queue.historyJobs.map(\.output), ["0001-7.png", "0002-8.png", "0003-100.png", "0004-101.png", "0005-102.png"])
        XCTAssertEqual(fixture.script.generatedSeeds, [7, 8, 100, 101, 102])
        let names = try directoryListing(session.directory)
        XCTAssertEqual(names, ["0001-7.png", "0002-8.png", "0003-100.png", "0004-101.png", "0005-102.png", "journal.jsonl"])
        let image = try PNGFile.read(from: session.directory.appendingPathComponent("0003-100.png"))
        XCTAssertEqual(ImageMetadata(png: image).provenance?.job, JobID(3))
        XCTAssertEqual(ImageMetadata(png: image).provenance?.session, session.id)
        let expectedTypes: [String] = ["session", "opened", "enqueued", "started", "enqueued", "enqueued", "enqueued", "enqueued",
                                       "finished", "started", "finished", "started", "finished", "started",
                                       "finished", "started", "finished"]
        XCTAssertEqual(try journalTypes(session), expectedTypes)
        XCTAssertEqual(session.model, FakeEngine.defaultModel)
        XCTAssertEqual(session.progress?.step, 4)
    }

    func testRandomSeedsAreDrawnAtEnqueueAndRecorded() throws {
        let session = try fixture.createSession()
        let ids = try session.enqueue(request(count: 3, policy: .random))
        runToIdle(session)
        let seeds = ids.compactMap { session.queue[$0]?.parameters.seed }
        XCTAssertEqual(seeds.count, 3)
        XCTAssertEqual(fixture.script.generatedSeeds, seeds)
        XCTAssertEqual(session.queue.historyJobs.map(\.output), seeds.enumerated().map { "000\($0.offset + 1)-\($0.element).png" })
    }

    func testRerunMakesTheSameImageBitForBit() throws {
        let session = try fixture.createSession()
        let first = try XCTUnwrap(try session.enqueue(request(policy: .random)).first)
        runToIdle(session)
        let again = try session.rerun(first)
        runToIdle(session)
        let original = try PNGFile.read(from: XCTUnwrap(session.imageURL(of: first)))
        let rerun = try PNGFile.read(from: XCTUnwrap(session.imageURL(of: again)))
        XCTAssertEqual(original.image, rerun.image)
        XCTAssertEqual(session.queue[again]?.rerunOf, first)
        XCTAssertEqual(session.queue[again]?.parameters, session.queue[first]?.parameters)
        XCTAssertNotEqual(session.imageURL(of: first), session.imageURL(of: again))
    }

    func testJobsTheEngineCannotRunAreRefusedAtEnqueueAndNothingIsJournaled() throws {
        let session = try fixture.createSession()
        let before = try journalTypes(session)
        let layout = Layout(basePrompt: "two shapes", regions: [
            LayoutRegion(box: RegionBox(x0: 0, y0: 0, x1: 0.4, y1: 0.45), prompt: "a large red circle")])
        let source = ImageReference(path: "0001-1.png")
        let refused: [(JobKind, String)] = [
            (.regional(layout), "regional prompting is not available in this engine yet"),
            (.edit(.img2img(source: source, strength: 0.5)), "editing (img2img) is not available in this engine yet"),
            (.edit(.inpaint(source: source, boxes: [layout.regions[0].box])), "editing (inpainting) is not available in this engine yet"),
            (.edit(.inject(source: source, sourcePrompt: "red", targetPrompt: "blue")),
             "editing (attention-injection editing) is not available in this engine yet"),
            (.edit(.variation(source: source, strength: 0.2)), "editing (variations of an image) is not available in this engine yet"),
        ]
        for (kind, message) in refused {
            XCTAssertThrowsError(try session.enqueue(JobRequest(kind: kind, parameters: tinyParameters()))) { error in
                XCTAssertEqual(error as? JobError, .unsupported(message))
                XCTAssertEqual("\(error)", message)
            }
        }
        XCTAssertTrue(session.queue.jobs.isEmpty)
        XCTAssertEqual(try journalTypes(session), before)
    }

    func testEditsNeedAnExistingSourceAndSaneStrength() throws {
        fixture.capabilities = EngineCapabilities(editModes: Set(EditMode.allCases))
        let session = try fixture.createSession()
        let missing = ImageReference(path: "9999-1.png")
        XCTAssertThrowsError(try session.enqueue(JobRequest(kind: .edit(.img2img(source: missing, strength: 0.5)),
                                                            parameters: tinyParameters()))) { error in
            XCTAssertEqual(error as? JobError, .missingSource(path: "9999-1.png", reason: "no such file"))
        }
        let present = session.directory.appendingPathComponent("source.png")
        try PNGFile.write(RGBImage(width: 16, height: 16), to: present)
        XCTAssertThrowsError(try session.enqueue(JobRequest(kind: .edit(.img2img(source: ImageReference(path: "source.png"),
                                                                                 strength: 1.5)),
                                                            parameters: tinyParameters()))) { error in
            XCTAssertEqual(error as? JobError, .invalidParameter(key: "strength", reason: "must be in (0, 1] (got 1.5)"))
        }
        XCTAssertTrue(session.queue.jobs.isEmpty)
    }

    func testParametersOutOfRangeAreRefusedWithTheKey() throws {
        var options = fixture.options
        options.preloadModel = true
        let session = try Session.create(in: fixture.store, worker: fixture.makeWorker(), options: options)
        _ = pump(session) { session.model != nil }
        func refusal(_ change: (inout GenerateParameters) -> Void) -> JobError? {
            var parameters = tinyParameters()
            change(&parameters)
            do {
                try session.enqueue(JobRequest(parameters: parameters))
                return nil
            } catch {
                return error as? JobError
            }
        }
        XCTAssertEqual(refusal { $0.steps = 0 }, .invalidParameter(key: "steps", reason: "must be between 1 and 10000 (got 0)"))
        XCTAssertEqual(refusal { $0.guidance = -1 }, .invalidParameter(key: "guidance", reason: "must be a number between 0 and 100 (got -1.0)"))
        XCTAssertEqual(refusal { $0.shift = 0 }, .invalidParameter(key: "shift", reason: "must be a number between 0.01 and 100 (got 0.0)"))
        XCTAssertEqual(refusal { $0.width = 0 }, .invalidParameter(key: "size", reason: "width and height must be between 1 and 8192 (got 0x16)"))
        XCTAssertEqual(refusal { $0.width = 20 }, .invalidParameter(key: "size", reason:
            "20x16 does not fit model fake-mmdit: width and height must be positive multiples of 8"))
        XCTAssertEqual(refusal { $0.width = 512 }, .invalidParameter(key: "size", reason: "512x16 is too large for model fake-mmdit: at most 256x256"))
        XCTAssertEqual(refusal { $0.caching = "fast" }, .unsupported("feature caching 'fast' is not available in this engine yet (available: off)"))
        XCTAssertTrue(session.queue.jobs.isEmpty)
    }

    func testCancelDuringAStepShowsCancellingAndStopsAtTheNextBoundary() throws {
        let session = try fixture.createSession()
        fixture.script.hold(atStep: 2)
        let ids = try session.enqueue(request(steps: 6, count: 2, policy: .increment))
        fixture.script.waitUntilHeld()
        try session.cancel(ids[0])
        XCTAssertEqual(session.queue[ids[0]]?.state, .running, "the step in progress finishes first")
        XCTAssertEqual(session.queue[ids[0]]?.cancelRequested, true, "…while the queue shows cancelling…")
        fixture.script.release()
        runToIdle(session)
        XCTAssertEqual(session.queue[ids[0]]?.state, .cancelled)
        XCTAssertEqual(session.queue[ids[1]]?.state, .done, "the next job runs")
        XCTAssertEqual(fixture.script.stepCount, 2 + 6)
        XCTAssertEqual(try directoryListing(session.directory), ["0002-1235.png", "journal.jsonl"])
        XCTAssertTrue(try journalTypes(session).contains("cancel_requested"))
    }

    func testCancellingAQueuedJobNeverRunsIt() throws {
        let session = try fixture.createSession()
        fixture.script.hold(atStep: 1)
        let ids = try session.enqueue(request(count: 3, policy: .increment))
        fixture.script.waitUntilHeld()
        try session.cancel(ids[1])
        XCTAssertEqual(session.queue[ids[1]]?.state, .cancelled)
        fixture.script.release()
        runToIdle(session)
        XCTAssertEqual(fixture.script.generatedSeeds, [1234, 1236])
        XCTAssertThrowsError(try session.cancel(ids[1])) { error in
            XCTAssertEqual(error as? QueueError, .alreadyFinished(ids[1], .cancelled))
        }
    }

    func testPauseHoldsTheQueueAndResumeRunsIt() throws {
        let session = try fixture.createSession()
        try session.pause()
        try session.enqueue(request(count: 2, policy: .increment))
        session.waitForEvents(timeout: 0.05)
        session.pump()
        XCTAssertNil(session.queue.running)
        XCTAssertTrue(session.isIdle)
        XCTAssertTrue(fixture.script.generatedSeeds.isEmpty, "nothing ran while paused")
        try session.resume()
        runToIdle(session)
        XCTAssertEqual(session.queue.counts[.done], 2)
    }

    func testStopAfterCurrentLetsTheRunningJobFinishThenPauses() throws {
        let session = try fixture.createSession()
        fixture.script.hold(atStep: 1)
        let ids = try session.enqueue(request(count: 3, policy: .increment))
        fixture.script.waitUntilHeld()
        try session.stopAfterCurrent()
        fixture.script.release()
        runToIdle(session)
        XCTAssertEqual(session.queue[ids[0]]?.state, .done)
        XCTAssertEqual(session.queue.pending, [ids[1], ids[2]])
        XCTAssertTrue(session.queue.isPaused)
        try session.resume()
        runToIdle(session)
        XCTAssertEqual(session.queue.counts[.done], 3)
    }

    func testMoveUpAndDownChangeWhatRunsNext() throws {
        let session = try fixture.createSession()
        try session.pause()
        let ids = try session.enqueue(request(count: 3, policy: .increment))
        try session.moveUp(ids[2])
        try session.moveUp(ids[2])
        try session.moveDown(ids[0])
        XCTAssertEqual(session.queue.pending, [ids[2], ids[1], ids[0]])
        let front = try session.enqueue(request(seed: 1), atFront: true)
        try session.resume()
        runToIdle(session)
        XCTAssertEqual(fixture.script.generatedSeeds, [1, 1236, 1235, 1234])
        XCTAssertEqual(session.queue.history, front + [ids[2], ids[1], ids[0]])
    }

    func testCancelAllQueuedSparesTheRunningJob() throws {
        let session = try fixture.createSession()
        fixture.script.hold(atStep: 1)
        let ids = try session.enqueue(request(count: 4, policy: .increment))
        fixture.script.waitUntilHeld()
        try session.cancelAllQueued()
        fixture.script.release()
        runToIdle(session)
        XCTAssertEqual(ids.map { session.queue[$0]?.state }, [.done, .cancelled, .cancelled, .cancelled])
    }

    func testAFailedJobKeepsItsMessageAndTheQueueMovesOn() throws {
        let session = try fixture.createSession()
        fixture.script.fail(atStep: 2)
        let ids = try session.enqueue(request(count: 1))
        _ = pump(session) { session.queue[ids[0]]?.state == .failed }
        fixture.script.fail(atStep: nil)
        let next = try session.enqueue(request(seed: 5))
        runToIdle(session)
        XCTAssertEqual(session.queue[ids[0]]?.error, "fake failure at step 2")
        XCTAssertEqual(session.queue[next[0]]?.state, .done)
    }

    func testAnUnwritableImageFolderFailsTheJobAndLeavesTheSessionConsistent() throws {
        let blocker = fixture.root.appendingPathComponent("out")
        try Data("a file where the folder should be".utf8).write(to: blocker)
        let session = try fixture.createSession(imageDirectory: blocker.appendingPathComponent("images"))
        let ids = try session.enqueue(request(count: 2, policy: .increment))
        runToIdle(session)
        for id in ids {
            let job = try XCTUnwrap(session.queue[id])
            XCTAssertEqual(job.state, .failed)
            XCTAssertTrue(job.error?.hasPrefix("cannot save the image: \(blocker.path)/images/") == true, job.error ?? "")
            XCTAssertNil(job.output)
        }
        let id = session.id
        let queueBefore = session.queue
        session.close()

        // The journal replays to the same state, and once the folder exists a re-run works.
        try FileManager.default.removeItem(at: blocker)
        let reopened = try fixture.reopen(id)
        XCTAssertEqual(reopened.queue, queueBefore)
        XCTAssertTrue(reopened.openingNotes.isEmpty, "\(reopened.openingNotes)")
        try FileManager.default.createDirectory(at: blocker.appendingPathComponent("images"), withIntermediateDirectories: true)
        let again = try reopened.rerun(ids[0])
        runToIdle(reopened)
        XCTAssertEqual(reopened.queue[again]?.state, .done)
        XCTAssertEqual(reopened.imageURL(of: again), blocker.appendingPathComponent("images/0003-1234.png"))
    }

    func testAnOutDirSharedBetweenSessionsNeverOverwrites() throws {
        let out = fixture.root.appendingPathComponent("out", isDirectory: true)
        let first = try fixture.createSession(imageDirectory: out)
        try first.enqueue(request(seed: 3))
        runToIdle(first)
        let second = try fixture.createSession(imageDirectory: out)
        try second.enqueue(request("another", seed: 3))
        runToIdle(second)
        XCTAssertEqual(try directoryListing(out), ["0001-3-2.png", "0001-3.png"])
        XCTAssertEqual(second.queue.historyJobs.first?.output, out.appendingPathComponent("0001-3-2.png").path)
    }

    func testClosingWithARunningJobPutsItBackAtTheFront() throws {
        let session = try fixture.createSession()
        fixture.script.hold(atStep: 2)
        let ids = try session.enqueue(request(steps: 5, count: 2, policy: .increment))
        fixture.script.waitUntilHeld()
        session.willWaitForWorkerOnClose = { self.fixture.script.release() }
        session.close()
        XCTAssertThrowsError(try session.enqueue(request())) { error in
            XCTAssertEqual(error as? SessionError, .closed(id: session.id))
        }
        let lines = try String(contentsOf: session.journalURL, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.last, #"{"job":1,"type":"interrupted"}"#)
        let reopened = try fixture.reopen(session.id)
        XCTAssertEqual(reopened.queue.running, ids[0], "back at the front, so it starts again first")
        XCTAssertEqual(reopened.queue.pending, [ids[1]])
        runToIdle(reopened)
        XCTAssertEqual(reopened.queue.counts[.done], 2)
    }

    func testASessionOpenElsewhereIsLocked() throws {
        let session = try fixture.createSession()
        XCTAssertThrowsError(try fixture.reopen(session.id)) { error in
            XCTAssertEqual(error as? SessionError, .locked(path: session.directory.path))
        }
        session.close()
        XCTAssertNoThrow(try fixture.reopen(session.id))
    }

    func testOpeningSomethingThatIsNotASessionSaysSo() throws {
        XCTAssertThrowsError(try fixture.reopen("2020-01-01-a")) { error in
            XCTAssertEqual(error as? SessionError, .unknownSession(id: "2020-01-01-a", root: fixture.store.root.path))
        }
        try FileManager.default.createDirectory(at: fixture.store.directory(for: "empty"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try fixture.reopen("empty")) { error in
            XCTAssertEqual(error as? SessionError, .notASession(path: fixture.store.directory(for: "empty").path))
        }
    }
}
