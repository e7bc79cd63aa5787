import Foundation
import XCTest
@testable import StudioCore

/// The worker thread with a fake engine: model loading, steps, previews, cancellation, failures
/// and image writing, driven through hand-made work orders (no session).
final class WorkerTests: XCTestCase {
    private var fixture: StudioFixture!
    private var directory: URL!

    override func setUpWithError() throws {
        fixture = try StudioFixture(testCase: self)
        directory = fixture.root
    }

    private func order(_ number: Int, _ parameters: GenerateParameters = tinyParameters(), kind: JobKind = .generate,
                       output: URL? = nil) -> WorkOrder {
        let job = Job(id: JobID(number), kind: kind, parameters: parameters, createdAt: Timestamp(millisecondsSince1970: 0))
        return WorkOrder(job: job, outputURL: output ?? directory.appendingPathComponent(job.imageFileName), sessionID: "test-session")
    }

    /// Drains the worker's inbox until `job` has ended (finished, failed or cancelled).
    private func events(until job: JobID, from worker: Worker) -> [WorkerEvent] {
        var events: [WorkerEvent] = []
        let deadline = Date(timeIntervalSinceNow: 10)
        while Date() < deadline {
            worker.inbox.wait(timeout: 0.05)
            events += worker.inbox.drain()
            if events.contains(where: { event in
                switch event {
                case .finished(job, _, _), .failed(job, _), .cancelled(job, _): return true
                default: return false
                }
            }) { return events }
        }
        XCTFail("job \(job) never ended; events: \(events)")
        return events
    }

    func testRunsAJobStepByStepAndWritesItsImageWithMetadata() throws {
        let worker = fixture.makeWorker()
        let work = order(1)
        worker.submit(work)
        let events = events(until: JobID(1), from: worker)

        XCTAssertEqual(events.count, 3 + 4 + 1, "\(events)")
        XCTAssertEqual(events[0], .modelLoading(job: JobID(1), model: nil))
        guard case let .modelLoaded(JobID(1), model, _) = events[1] else { return XCTFail("\(events[1])") }
        XCTAssertEqual(model, FakeEngine.defaultModel)
        XCTAssertEqual(events[2], .started(job: JobID(1), model: FakeEngine.defaultModel))
        for step in 1...4 {
            guard case let .step(JobID(1), progress, preview) = events[2 + step] else { return XCTFail("\(events[2 + step])") }
            XCTAssertEqual(progress.step, step)
            XCTAssertEqual(progress.total, 4)
            XCTAssertEqual(preview, FakeEngine.image(for: work.job.parameters, step: step), "the preview is that step's image")
        }
        guard case let .finished(JobID(1), url, _) = events[7] else { return XCTFail("\(events[7])") }
        XCTAssertEqual(url, work.outputURL)

        let png = try PNGFile.read(from: url)
        XCTAssertEqual(png.image, FakeEngine.image(for: work.job.parameters, step: 4))
        let metadata = ImageMetadata(png: png)
        XCTAssertEqual(metadata.provenance?.parameters, work.job.parameters)
        XCTAssertEqual(metadata.provenance?.job, JobID(1))
        XCTAssertEqual(metadata.provenance?.session, "test-session")
        XCTAssertEqual(metadata.provenance?.model, FakeEngine.defaultModel)
        XCTAssertEqual(metadata.parameters?.seed, 1234)
    }

    func testLoadsTheModelOnceAndReloadsOnlyWhenAJobNamesAnother() throws {
        let worker = fixture.makeWorker(previews: .never)
        let models: [String?] = [nil, nil, "/models/other", "/models/other", nil]
        for (index, model) in models.enumerated() {
            var parameters = tinyParameters(steps: 1)
            parameters.model = model
            worker.submit(order(index + 1, parameters))
        }
        _ = events(until: JobID(5), from: worker)
        XCTAssertEqual(fixture.script.loads, [nil, "/models/other", nil])
        XCTAssertEqual(fixture.script.log.filter { $0 == .make }.count, 1, "one engine for the worker's life")
        XCTAssertEqual(fixture.script.generatedSeeds.count, 5)
    }

    func testAModelThatCannotLoadFailsTheJobWithTheReasonAndTheNextJobTriesAgain() throws {
        let worker = fixture.makeWorker(previews: .never)
        fixture.script.failLoading("/models/broken", message: "transformer/config.json: no such file")
        var broken = tinyParameters()
        broken.model = "/models/broken"
        worker.submit(order(1, broken))
        worker.submit(order(2))
        let events = events(until: JobID(2), from: worker)
        XCTAssertTrue(events.contains(.failed(job: JobID(1), message:
            "cannot load the model /models/broken: transformer/config.json: no such file")), "\(events)")
        guard case .finished(JobID(2), _, _)? = events.last else { return XCTFail("\(events)") }
        XCTAssertEqual(fixture.script.loads, ["/models/broken", nil])
        XCTAssertFalse(FileManager.default.fileExists(atPath: order(1, broken).outputURL.path))
    }

    func testPreloadReportsTheModelAheadOfAnyJob() {
        let worker = fixture.makeWorker()
        worker.preload(model: nil)
        var events: [WorkerEvent] = []
        while events.count < 2, worker.inbox.wait(timeout: 10) { events += worker.inbox.drain() }
        XCTAssertEqual(events.first, .modelLoading(job: nil, model: nil))
        guard case .modelLoaded(nil, FakeEngine.defaultModel, _)? = events.last else { return XCTFail("\(events)") }
    }

    func testCancelDuringAStepStopsAtTheNextStepBoundaryAndWritesNothing() throws {
        let worker = fixture.makeWorker()
        fixture.script.hold(atStep: 2)
        let work = order(1, tinyParameters(steps: 6))
        worker.submit(work)
        fixture.script.waitUntilHeld()
        worker.cancel(JobID(1))  // while step 2 is being computed
        fixture.script.release()
        let events = events(until: JobID(1), from: worker)
        XCTAssertEqual(events.last, .cancelled(job: JobID(1), completedSteps: 2))
        XCTAssertEqual(fixture.script.stepCount, 2, "step 2 finished, step 3 never began")
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.outputURL.path))
    }

    func testAJobCancelledBeforeItStartsNeverRuns() {
        let worker = fixture.makeWorker()
        fixture.script.hold(atStep: 1)
        worker.submit(order(1))
        worker.submit(order(2))
        fixture.script.waitUntilHeld()
        worker.cancel(JobID(2))
        fixture.script.release()
        let events = events(until: JobID(2), from: worker)
        XCTAssertEqual(events.last, .cancelled(job: JobID(2), completedSteps: 0))
        XCTAssertFalse(events.contains(.started(job: JobID(2), model: FakeEngine.defaultModel)))
        XCTAssertEqual(fixture.script.generatedSeeds.count, 1)
    }

    func testAnEngineErrorFailsTheJobWithItsMessage() {
        let worker = fixture.makeWorker()
        fixture.script.fail(atStep: 3)
        worker.submit(order(1))
        XCTAssertEqual(events(until: JobID(1), from: worker).last, .failed(job: JobID(1), message: "fake failure at step 3"))
    }

    func testJobsTheEngineCannotRunFailAtOnceWithAClearMessage() {
        let worker = fixture.makeWorker()
        let layout = Layout(basePrompt: "two shapes", regions: [LayoutRegion(box: RegionBox(x0: 0, y0: 0, x1: 0.5, y1: 0.5), prompt: "a circle")])
        worker.submit(order(1, kind: .regional(layout)))
        XCTAssertEqual(events(until: JobID(1), from: worker).last,
                       .failed(job: JobID(1), message: "regional prompting is not available in this engine yet"))
        worker.submit(order(2, kind: .edit(.img2img(source: ImageReference(path: "x.png"), strength: 0.5))))
        XCTAssertEqual(events(until: JobID(2), from: worker).last,
                       .failed(job: JobID(2), message: "editing (img2img) is not available in this engine yet"))
        var parameters = tinyParameters()
        parameters.caching = "fast"
        worker.submit(order(3, parameters))
        XCTAssertEqual(events(until: JobID(3), from: worker).last, .failed(job: JobID(3), message:
            "feature caching 'fast' is not available in this engine yet (available: off)"))
        XCTAssertTrue(fixture.script.generatedSeeds.isEmpty)
    }

    func testASizeTheModelCannotTakeFailsTheJob() {
        let worker = fixture.makeWorker()
        var parameters = tinyParameters()
        parameters.width = 12
        worker.submit(order(1, parameters))
        XCTAssertEqual(events(until: JobID(1), from: worker).last, .failed(job: JobID(1), message:
            "size: 12x16 does not fit model fake-mmdit: width and height must be positive multiples of 8"))
    }

    func testAnUnwritableFolderFailsTheJobClearly() throws {
        let worker = fixture.makeWorker()
        let blocker = directory.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let target = blocker.appendingPathComponent("0001-1234.png")
        worker.submit(order(1, output: target))
        let last = events(until: JobID(1), from: worker).last
        guard case let .failed(JobID(1), message)? = last else { return XCTFail("\(String(describing: last))") }
        XCTAssertTrue(message.hasPrefix("cannot save the image: \(target.path): "), message)
        XCTAssertTrue(message.contains("re-run"), message)
    }

    func testAnExistingFileIsNeverOverwritten() throws {
        let worker = fixture.makeWorker()
        let work = order(1)
        try Data("precious".utf8).write(to: work.outputURL)
        worker.submit(work)
        let last = events(until: JobID(1), from: worker).last
        guard case let .failed(JobID(1), message)? = last else { return XCTFail("\(String(describing: last))") }
        XCTAssertTrue(message.contains("file exists"), message)
        XCTAssertEqual(try Data(contentsOf: work.outputURL), Data("precious".utf8))
    }

    func testWhenDrainedPreviewsSkipDecodingUntilTheReaderCatchesUpAndStepsCoalesce() throws {
        let worker = fixture.makeWorker(previews: .whenDrained, coalescing: true)
        let work = order(1, tinyParameters(steps: 5))
        worker.submit(work)
        while worker.isBusy { worker.inbox.wait(timeout: 0.05) }  // nobody drains meanwhile
        let events = worker.inbox.drain()
        let steps = events.compactMap { event -> (StepProgress, RGBImage?)? in
            if case let .step(_, progress, preview) = event { return (progress, preview) }
            return nil
        }
        XCTAssertEqual(steps.count, 1, "five undrained steps coalesce into one event")
        XCTAssertEqual(steps.first?.0.step, 5, "with the latest progress")
        XCTAssertEqual(steps.first?.1, FakeEngine.image(for: work.job.parameters, step: 1),
                       "and the one preview decoded: the first, since nobody looked at it")
    }

    func testNeverPreviewsSendsStepsWithoutImages() {
        let worker = fixture.makeWorker(previews: .never)
        worker.submit(order(1))
        let previews = events(until: JobID(1), from: worker).compactMap { event -> RGBImage?? in
            if case let .step(_, _, preview) = event { return .some(preview) }
            return nil
        }
        XCTAssertEqual(previews.count, 4)
        XCTAssertTrue(previews.allSatisfy { $0 == nil })
    }

    func testShutdownStopsTheThread() {
        let worker = fixture.makeWorker()
        worker.submit(order(1))
        _ = events(until: JobID(1), from: worker)
        XCTAssertTrue(worker.shutdown(timeout: 10))
        XCTAssertFalse(worker.isBusy)
    }

    func testStepTimerMeasuresTheRateFromTheEndOfTheFirstStep() {
        var timer = StepTimer(start: 100)
        let first = timer.progress(step: 1, total: 5, now: 104)  // the first step pays the warm-up
        XCTAssertEqual(first.iterationsPerSecond, 0.25)
        XCTAssertEqual(first.remainingSeconds, 16)
        XCTAssertEqual(first.elapsed, 4)
        let third = timer.progress(step: 3, total: 5, now: 105)
        XCTAssertEqual(third.iterationsPerSecond, 2, "steps 2 and 3 took the second after the first step")
        XCTAssertEqual(third.remainingSeconds, 1, "two steps left at 2 it/s")
        XCTAssertEqual(third.fraction, 0.6)
    }
}
