import DiTEngine
import XCTest
@testable import StudioCore

/// The queue as a pure state machine: every transition and operation, without threads or files.
final class JobQueueTests: XCTestCase {
    private var generator = SeededGenerator(seed: 7)
    private let t0 = Timestamp(millisecondsSince1970: 1_795_600_800_000)

    private func request(_ prompt: String = "a red circle", seed: UInt64 = 10, count: Int = 1,
                         policy: SeedPolicy = .fixed) -> JobRequest {
        JobRequest(parameters: tinyParameters(prompt: prompt, seed: seed), seedPolicy: policy, count: count)
    }

    private func queue(with prompts: [String]) throws -> JobQueue {
        var queue = JobQueue()
        for prompt in prompts { _ = try queue.enqueue(request(prompt), now: t0, using: &generator) }
        return queue
    }

    private func start(_ queue: inout JobQueue) throws -> JobID? {
        guard case let .started(id, _, _)? = try queue.startNext(now: t0, outputPath: { $0.imageFileName }) else { return nil }
        return id
    }

    func testEnqueueNumbersJobsInOrderAndQueuesThem() throws {
        let queue = try queue(with: ["a", "b", "c"])
        XCTAssertEqual(queue.pending, [JobID(1), JobID(2), JobID(3)])
        XCTAssertEqual(queue.pendingJobs.map(\.parameters.prompt), ["a", "b", "c"])
        XCTAssertTrue(queue.pendingJobs.allSatisfy { $0.state == .queued && $0.createdAt == t0 })
        XCTAssertEqual(queue.lastJobNumber, 3)
        XCTAssertEqual(queue.counts[.queued], 3)
    }

    func testEnqueueAtFrontKeepsTheBatchInOrder() throws {
        var queue = try queue(with: ["a"])
        _ = try queue.enqueue(request("b", count: 3, policy: .increment), atFront: true, now: t0, using: &generator)
        XCTAssertEqual(queue.pending.map(\.number), [2, 3, 4, 1])
        XCTAssertEqual(queue.pendingJobs.map(\.batch), [BatchPosition(index: 1, count: 3), BatchPosition(index: 2, count: 3),
                                                        BatchPosition(index: 3, count: 3), nil])
    }

    func testQueuedRunningDoneRecordsTimesAndOutput() throws {
        var queue = try queue(with: ["a", "b"])
        let id = try XCTUnwrap(try start(&queue))
        XCTAssertEqual(id, JobID(1))
        XCTAssertEqual(queue.running, id)
        XCTAssertEqual(queue[id]?.state, .running)
        XCTAssertEqual(queue[id]?.startedAt, t0)
        XCTAssertEqual(queue.pending, [JobID(2)])
        XCTAssertNil(try start(&queue), "one job at a time")

        let later = Timestamp(millisecondsSince1970: t0.millisecondsSince1970 + 5000)
        try queue.apply(.finished(id, output: "0001-10.png", at: later, seconds: 4.5))
        XCTAssertEqual(queue[id]?.state, .done)
        XCTAssertEqual(queue[id]?.output, "0001-10.png")
        XCTAssertEqual(queue[id]?.finishedAt, later)
        XCTAssertNil(queue.running)
        XCTAssertEqual(queue.history, [id])
        XCTAssertEqual(try start(&queue), JobID(2))
    }

    func testRunningJobThatFailsKeepsItsMessageAndNoOutput() throws {
        var queue = try queue(with: ["a"])
        let id = try XCTUnwrap(try start(&queue))
        try queue.apply(.failed(id, message: "step 3 of 4: NaN", at: t0))
        XCTAssertEqual(queue[id]?.state, .failed)
        XCTAssertEqual(queue[id]?.error, "step 3 of 4: NaN")
        XCTAssertNil(queue[id]?.output)
        XCTAssertEqual(queue.history, [id])
        XCTAssertNil(queue.running)
    }

    func testQueuedJobCanFailBeforeItStarts() throws {
        var queue = try queue(with: ["a", "b"])
        try queue.apply(.failed(JobID(2), message: "unsupported", at: t0))
        XCTAssertEqual(queue.pending, [JobID(1)])
        XCTAssertEqual(queue[JobID(2)]?.state, .failed)
    }

    func testCancellingAQueuedJobIsImmediate() throws {
        var queue = try queue(with: ["a", "b", "c"])
        let events = try queue.cancel(JobID(2), now: t0)
        XCTAssertEqual(events, [.cancelled([JobID(2)], at: t0)])
        XCTAssertEqual(queue[JobID(2)]?.state, .cancelled)
        XCTAssertEqual(queue.pending, [JobID(1), JobID(3)])
        XCTAssertEqual(queue.history, [JobID(2)])
    }

    func testCancellingTheRunningJobOnlyFlagsItUntilTheWorkerStops() throws {
        var queue = try queue(with: ["a"])
        let id = try XCTUnwrap(try start(&queue))
        XCTAssertEqual(try queue.cancel(id, now: t0), [.cancelRequested(id)])
        XCTAssertEqual(queue[id]?.state, .running, "still running until the next step boundary")
        XCTAssertEqual(queue[id]?.cancelRequested, true)
        XCTAssertEqual(try queue.cancel(id, now: t0), [], "asking twice changes nothing")
        try queue.apply(.cancelled([id], at: t0))
        XCTAssertEqual(queue[id]?.state, .cancelled)
        XCTAssertNil(queue.running)
    }

    func testCancellingAFinishedJobIsRefused() throws {
        var queue = try queue(with: ["a"])
        let id = try XCTUnwrap(try start(&queue))
        try queue.apply(.finished(id, output: "x.png", at: t0, seconds: nil))
        XCTAssertThrowsError(try queue.cancel(id, now: t0)) { error in
            XCTAssertEqual(error as? QueueError, .alreadyFinished(id, .done))
        }
        XCTAssertThrowsError(try queue.cancel(JobID(99), now: t0)) { error in
            XCTAssertEqual(error as? QueueError, .unknownJob(JobID(99)))
        }
    }

    func testCancelAllQueuedSparesTheRunningJob() throws {
        var queue = try queue(with: ["a", "b", "c"])
        let running = try XCTUnwrap(try start(&queue))
        XCTAssertEqual(try queue.cancelAllQueued(now: t0), [.cancelled([JobID(2), JobID(3)], at: t0)])
        XCTAssertEqual(queue.running, running)
        XCTAssertTrue(queue.pending.isEmpty)
        XCTAssertEqual(queue.counts[.cancelled], 2)
        XCTAssertEqual(try queue.cancelAllQueued(now: t0), [], "nothing left to cancel")
    }

    func testMoveUpAndDownStopAtTheEnds() throws {
        var queue = try queue(with: ["a", "b", "c"])
        XCTAssertEqual(try queue.moveUp(JobID(3)), [.moved(JobID(3), offset: -1)])
        XCTAssertEqual(queue.pending.map(\.number), [1, 3, 2])
        XCTAssertEqual(try queue.moveDown(JobID(1)), [.moved(JobID(1), offset: 1)])
        XCTAssertEqual(queue.pending.map(\.number), [3, 1, 2])
        XCTAssertEqual(try queue.moveUp(JobID(3)), [], "already first")
        XCTAssertEqual(try queue.moveDown(JobID(2)), [], "already last")
        XCTAssertEqual(try queue.move(JobID(2), by: -10), [.moved(JobID(2), offset: -2)], "clamped to the front")
        XCTAssertEqual(queue.pending.map(\.number), [2, 3, 1])
    }

    func testOnlyQueuedJobsMove() throws {
        var queue = try queue(with: ["a", "b"])
        let id = try XCTUnwrap(try start(&queue))
        XCTAssertThrowsError(try queue.moveDown(id)) { error in
            XCTAssertEqual(error as? QueueError, .notQueued(id, .running))
        }
    }

    func testPauseStopsStartingAndResumeStartsAgain() throws {
        var queue = try queue(with: ["a"])
        XCTAssertEqual(try queue.pause(), [.paused])
        XCTAssertEqual(try queue.pause(), [])
        XCTAssertFalse(queue.canStartNext)
        XCTAssertNil(try start(&queue))
        XCTAssertEqual(try queue.resume(), [.resumed])
        XCTAssertEqual(try start(&queue), JobID(1))
    }

    func testStopAfterCurrentPausesWhenTheRunningJobEndsWhateverTheOutcome() throws {
        let outcomes: [(JobID) -> QueueEvent] = [
            { .finished($0, output: "x.png", at: self.t0, seconds: 1) },
            { .failed($0, message: "boom", at: self.t0) },
            { .cancelled([$0], at: self.t0) },
        ]
        for outcome in outcomes {
            var queue = try queue(with: ["a", "b"])
            let id = try XCTUnwrap(try start(&queue))
            XCTAssertEqual(try queue.stopAfterCurrent(), [.stopAfterCurrent(true)])
            XCTAssertFalse(queue.isPaused)
            try queue.apply(outcome(id))
            XCTAssertTrue(queue.isPaused)
            XCTAssertFalse(queue.stopsAfterCurrent)
            XCTAssertNil(try start(&queue))
            XCTAssertEqual(queue.pending, [JobID(2)])
        }
    }

    func testStopAfterCurrentWithNothingRunningPausesAtOnceAndResumeForgetsIt() throws {
        var queue = try queue(with: ["a", "b"])
        XCTAssertEqual(try queue.stopAfterCurrent(), [.paused])
        _ = try queue.resume()
        _ = try start(&queue)
        _ = try queue.stopAfterCurrent()
        XCTAssertEqual(try queue.resume(), [.stopAfterCurrent(false)])
        XCTAssertFalse(queue.stopsAfterCurrent)
    }

    func testRerunMakesANewJobWithTheSameParametersAndSeed() throws {
        var queue = JobQueue()
        _ = try queue.enqueue(request("a", seed: 5, policy: .random), now: t0, using: &generator)
        let id = try XCTUnwrap(try start(&queue))
        XCTAssertThrowsError(try queue.rerun(id, now: t0)) { error in
            XCTAssertEqual(error as? QueueError, .notFinished(id, .running))
        }
        try queue.apply(.finished(id, output: "x.png", at: t0, seconds: nil))
        let events = try queue.rerun(id, now: t0)
        guard case let .enqueued(copy, nil)? = events.first else { return XCTFail("expected an enqueue, got \(events)") }
        XCTAssertEqual(copy.id, JobID(2))
        XCTAssertEqual(copy.parameters, queue[id]?.parameters)
        XCTAssertEqual(copy.rerunOf, id)
        XCTAssertEqual(copy.seedPolicy, .fixed)
    }

    func testBatchSeedsFollowThePolicyAndAreRecorded() throws {
        var queue = JobQueue()
        _ = try queue.enqueue(request(seed: 100, count: 3, policy: .fixed), now: t0, using: &generator)
        _ = try queue.enqueue(request(seed: 100, count: 3, policy: .increment), now: t0, using: &generator)
        var drawing = SeededGenerator(seed: 99)
        _ = try queue.enqueue(request(seed: 100, count: 3, policy: .random), now: t0, using: &drawing)
        let seeds = queue.pendingJobs.map(\.parameters.seed)
        XCTAssertEqual(Array(seeds[0..<3]), [100, 100, 100])
        XCTAssertEqual(Array(seeds[3..<6]), [100, 101, 102])
        // The first three draws from seed 99: SplitMix64 and Swift's bounded draw for 2³² (the top 32 bits), in python:
        //   s = (seed + 0x9E3779B97F4A7C15·k) mod 2⁶⁴; z = (s ^ s>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>27)·0x94D049BB133111EB;
        //   (z ^ z>>31) >> 32   for k = 1, 2, …
        XCTAssertEqual(Array(seeds[6..<9]), [1_123_264_822, 135_969_048, 3_585_265_716])
        XCTAssertTrue(seeds[6..<9].allSatisfy { SeedPolicy.randomRange.contains($0) })
        XCTAssertEqual(Set(seeds[6..<9]).count, 3)
        XCTAssertEqual(queue.pendingJobs[6].seedPolicy, .random)
    }

    func testBatchCountOutOfRangeIsRefused() {
        var queue = JobQueue()
        for count in [0, -1, JobRequest.maximumCount + 1] {
            XCTAssertThrowsError(try queue.enqueue(request(count: count), now: t0, using: &generator)) { error in
                XCTAssertEqual(error as? QueueError, .invalidCount(count))
            }
        }
        XCTAssertTrue(queue.jobs.isEmpty)
    }

    func testReplayingTheEventsOfEveryOperationRebuildsTheSameQueue() throws {
        var queue = JobQueue()
        var events: [QueueEvent] = []
        events += try queue.enqueue(request("a"), now: t0, using: &generator)
        events += try queue.enqueue(request("b", count: 2, policy: .increment), now: t0, using: &generator)
        events += try queue.enqueue(request("c"), atFront: true, now: t0, using: &generator)
        events += try queue.moveDown(JobID(4))
        events += [try XCTUnwrap(try queue.startNext(now: t0, outputPath: { $0.imageFileName }))]
        events += try queue.cancel(JobID(3), now: t0)
        events += try queue.stopAfterCurrent()
        let running = try XCTUnwrap(queue.running)
        events += try queue.cancel(running, now: t0)
        let end = QueueEvent.cancelled([running], at: t0)
        try queue.apply(end)
        events.append(end)
        events += try queue.resume()
        events += [try XCTUnwrap(try queue.startNext(now: t0, outputPath: { $0.imageFileName }))]
        let finish = QueueEvent.finished(try XCTUnwrap(queue.running), output: "y.png", at: t0, seconds: 2)
        try queue.apply(finish)
        events.append(finish)
        events += try queue.rerun(JobID(4), now: t0)
        events += try queue.rerun(JobID(1), atFront: true, now: t0)

        var replayed = JobQueue()
        for event in events { try replayed.apply(event) }
        XCTAssertEqual(replayed, queue)

        // …and the events survive JSON, as the journal stores them.
        var decoded = JobQueue()
        for event in events {
            let data = try StudioJSON.encode(event)
            try decoded.apply(try StudioJSON.decode(QueueEvent.self, from: data))
        }
        XCTAssertEqual(decoded, queue)
    }

    func testEventsThatDoNotFitLeaveTheQueueUnchanged() throws {
        var queue = try queue(with: ["a", "b"])
        let id = try XCTUnwrap(try start(&queue))
        let before = queue
        let job = try XCTUnwrap(queue[JobID(2)])
        let bad: [(QueueEvent, QueueError)] = [
            (.finished(JobID(2), output: "x", at: t0, seconds: nil), .notRunning(JobID(2))),
            (.enqueued(job, position: nil), .duplicateJob(JobID(2))),
            (.started(JobID(2), output: "x", at: t0), .busy(running: id)),
            (.moved(id, offset: 1), .notQueued(id, .running)),
            (.cancelRequested(JobID(2)), .notRunning(JobID(2))),
            (.interrupted(JobID(2)), .notRunning(JobID(2))),
            (.cancelled([JobID(2), JobID(7)], at: t0), .unknownJob(JobID(7))),
            (.cancelled([JobID(2), JobID(2)], at: t0), .duplicateJob(JobID(2))),
        ]
        for (event, expected) in bad {
            XCTAssertThrowsError(try queue.apply(event), "\(event)") { error in
                XCTAssertEqual(error as? QueueError, expected)
            }
            XCTAssertEqual(queue, before, "\(event) changed the queue")
        }
    }

    func testInterruptedRunningJobGoesBackToTheFront() throws {
        var queue = try queue(with: ["a", "b"])
        let id = try XCTUnwrap(try start(&queue))
        try queue.apply(.interrupted(id))
        XCTAssertEqual(queue.pending, [id, JobID(2)])
        XCTAssertEqual(queue[id]?.state, .queued)
        XCTAssertNil(queue[id]?.startedAt)
        XCTAssertNil(queue[id]?.output)
        XCTAssertEqual(try start(&queue), id)
    }

    func testJobFileNameIsZeroPaddedNumberAndSeed() {
        let job = Job(id: JobID(7), parameters: tinyParameters(seed: 1234), createdAt: t0)
        XCTAssertEqual(job.imageFileName, "0007-1234.png")
        XCTAssertEqual(Job(id: JobID(12345), parameters: tinyParameters(seed: 0), createdAt: t0).imageFileName, "12345-0.png")
    }
}

/// Journal lines are outside input: values no UI would produce must not trap on replay.
final class JobQueueDamagedJournalTests: XCTestCase {
    func testHugeMoveOffsetsAndJobNumbersFromAJournalDoNotTrap() throws {
        var queue = JobQueue()
        var generator = SystemRandomNumberGenerator()
        let now = Timestamp(millisecondsSince1970: 0)
        _ = try queue.enqueue(JobRequest(parameters: tinyParameters(), count: 3), now: now, using: &generator)
        let last = try XCTUnwrap(queue.pending.last)
        try queue.apply(.moved(last, offset: Int.min))
        XCTAssertEqual(queue.pending.first, last)
        try queue.apply(.moved(last, offset: Int.max))
        XCTAssertEqual(queue.pending.last, last)
        let job = Job(id: JobID(Int.max), kind: .generate, parameters: tinyParameters(), seedPolicy: .fixed, createdAt: now)
        XCTAssertThrowsError(try queue.apply(.enqueued(job, position: nil))) { error in
            XCTAssertEqual(error as? QueueError, .jobNumberOutOfRange(JobID(Int.max)))
        }
    }
}
