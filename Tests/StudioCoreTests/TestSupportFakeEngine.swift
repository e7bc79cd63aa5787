import Foundation
import XCTest
@testable import StudioCore

/// What the fake engine was asked to do, in order.
enum FakeEngineCall: Equatable {
    case make
    case load(String?)
    case generate(seed: UInt64, prompt: String)
    case step(Int)
}

/// Controls and records a `FakeEngine` from the test's thread (the engine itself lives on the
/// worker's thread). All state is behind `Locked`, hence Sendable.
final class FakeEngineScript: Sendable {
    private let calls = Locked<[FakeEngineCall]>([])
    private let failures = Locked<[String: String]>([:])  // model path ("" = default) → load error
    private let failAtStep = Locked<Int?>(nil)
    private let gateStep = Locked<Int?>(nil)
    private let abortAfterGate = Locked(false)
    private let reached = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)

    var log: [FakeEngineCall] { calls.snapshot }
    var loads: [String?] {
        log.compactMap { if case let .load(model) = $0 { return .some(model) } else { return nil } }
    }
    var generatedSeeds: [UInt64] {
        log.compactMap { if case let .generate(seed, _) = $0 { return seed } else { return nil } }
    }
    var stepCount: Int { log.filter { if case .step = $0 { return true } else { return false } }.count }

    func record(_ call: FakeEngineCall) { calls.withLock { $0.append(call) } }

    /// Loading `model` (nil = default) throws with `message`.
    func failLoading(_ model: String?, message: String) { failures.withLock { $0[model ?? ""] = message } }
    func loadFailure(_ model: String?) -> String? { failures.withLock { $0[model ?? ""] } }

    /// Step `step` (1-based) throws.
    func fail(atStep step: Int?) { failAtStep.withLock { $0 = step } }

    /// The engine stops before step `step` until `release()` (one job only).
    func hold(atStep step: Int) { gateStep.withLock { $0 = step } }

    /// Called by the engine before each step.
    func beforeStep(_ step: Int) throws {
        let gate = gateStep.withLock { value -> Bool in
            guard value == step else { return false }
            value = nil
            return true
        }
        if gate {
            reached.signal()
            released.wait()
            if abortAfterGate.snapshot { throw FakeEngineError(message: "the process was killed (simulated)") }
        }
        if failAtStep.snapshot == step { throw FakeEngineError(message: "fake failure at step \(step)") }
    }

    /// Waits until the engine is held at the gate (fails the test after 10 s: a safety net).
    func waitUntilHeld(file: StaticString = #filePath, line: UInt = #line) {
        if reached.wait(timeout: .now() + 10) == .timedOut { XCTFail("the fake engine never reached its gate", file: file, line: line) }
    }

    /// Lets the held engine go on (or, with `abort`, throw as if the process had died there).
    func release(abort: Bool = false) {
        abortAfterGate.withLock { $0 = abort }
        released.signal()
    }
}

struct FakeEngineError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A deterministic, instant engine: the image is a pure function of the parameters and the step.
final class FakeEngine: GenerationEngine {
    let script: FakeEngineScript

    init(script: FakeEngineScript) {
        self.script = script
    }

    static let defaultModel = ModelDescription(name: "fake-mmdit", path: "/models/fake-mmdit", fingerprint: "f00d",
                                               sizeMultiple: 8, maxSide: 256)

    func loadModel(at directory: String?) throws -> ModelDescription {
        script.record(.load(directory))
        if let message = script.loadFailure(directory) { throw FakeEngineError(message: message) }
        guard let directory else { return Self.defaultModel }
        return ModelDescription(name: URL(fileURLWithPath: directory).lastPathComponent, path: directory,
                                fingerprint: "beef", sizeMultiple: 8, maxSide: 256)
    }

    func generate(_ job: EngineJob,
                  onStep: (EngineStep, () throws -> RGBImage) -> StepDecision) throws -> EngineResult {
        let parameters = job.parameters
        script.record(.generate(seed: parameters.seed, prompt: parameters.prompt))
        for step in 1...parameters.steps {
            try script.beforeStep(step)
            script.record(.step(step))
            let decision = onStep(EngineStep(index: step, total: parameters.steps)) {
                Self.image(for: parameters, step: step)
            }
            if decision == .stop { return .stopped(completedSteps: step) }
        }
        return .finished(Self.image(for: parameters, step: parameters.steps))
    }

    /// Pixels from a hash of seed, prompt, guidance and step: different parameters give different
    /// images, the same give the same.
    static func image(for parameters: GenerateParameters, step: Int) -> RGBImage {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) { hash = (hash ^ value) &* 0x100_0000_01b3 }
        mix(parameters.seed)
        for byte in parameters.prompt.utf8 { mix(UInt64(byte)) }
        mix(parameters.guidance.bitPattern)
        mix(UInt64(step))
        var pixels = [UInt8](repeating: 0, count: parameters.width * parameters.height * 3)
        for index in pixels.indices {
            mix(UInt64(index))
            pixels[index] = UInt8(truncatingIfNeeded: hash >> 29)
        }
        return RGBImage(width: parameters.width, height: parameters.height, pixels: pixels)
    }
}

extension EngineFactory {
    /// A fake engine with `capabilities`, recording into `script`.
    static func fake(_ script: FakeEngineScript, capabilities: EngineCapabilities = .generateOnly) -> EngineFactory {
        EngineFactory(capabilities: capabilities) {
            script.record(.make)
            return FakeEngine(script: script)
        }
    }
}

/// A clock that advances one second per reading, from 2026-11-25 10:00:00 UTC.
final class SteppingClock: Sendable {
    private let milliseconds = Locked<Int64>(1_795_600_800_000)
    func now() -> Timestamp {
        milliseconds.withLock { value in
            value += 1000
            return Timestamp(millisecondsSince1970: value)
        }
    }
}

/// Small parameters the fake engine runs instantly.
func tinyParameters(prompt: String = "a large red circle", seed: UInt64 = 1234, steps: Int = 4) -> GenerateParameters {
    GenerateParameters(prompt: prompt, seed: seed, steps: steps, guidance: 4, shift: 1, width: 16, height: 16)
}

/// A session store, a fake engine and a worker in a fresh temporary directory.
final class StudioFixture {
    let root: URL
    let store: SessionStore
    let script = FakeEngineScript()
    let clock = SteppingClock()
    var capabilities: EngineCapabilities
    private(set) var workers: [Worker] = []

    init(testCase: XCTestCase, capabilities: EngineCapabilities = .generateOnly) throws {
        root = try makeTemporaryDirectory(for: testCase)
        store = SessionStore(root: root.appendingPathComponent("sessions", isDirectory: true))
        self.capabilities = capabilities
        testCase.addTeardownBlock { [weak self] in self?.workers.forEach { $0.shutdown(timeout: 10) } }
    }

    func makeWorker(previews: PreviewPolicy = .everyStep, coalescing: Bool = false) -> Worker {
        let worker = Worker(engine: .fake(script, capabilities: capabilities), previews: previews,
                            inbox: EventInbox(coalescesSteps: coalescing))
        workers.append(worker)
        return worker
    }

    var options: SessionOptions {
        let clock = self.clock
        return SessionOptions(clock: { clock.now() }, randomSeed: 42, closeTimeout: 10)
    }

    func createSession(worker: Worker? = nil, imageDirectory: URL? = nil) throws -> Session {
        var options = self.options
        options.imageDirectory = imageDirectory
        return try Session.create(in: store, worker: worker ?? makeWorker(), options: options)
    }

    func reopen(_ id: String, worker: Worker? = nil) throws -> Session {
        try Session.open(id: id, in: store, worker: worker ?? makeWorker(), options: options)
    }
}

/// Pumps `session` until `condition` holds (fails after 10 s: a safety net, not a timing).
func pump(_ session: Session, until condition: () -> Bool, file: StaticString = #filePath, line: UInt = #line) -> [WorkerEvent] {
    var events: [WorkerEvent] = []
    let deadline = Date(timeIntervalSinceNow: 10)
    while !condition() {
        if Date() > deadline {
            XCTFail("condition not reached; events so far: \(events)", file: file, line: line)
            break
        }
        session.waitForEvents(timeout: 0.05)
        events += session.pump().events
    }
    return events
}

/// Runs the session until idle, failing the test if it does not get there within 10 s.
@discardableResult
/// `limit` is a safety net against a hung worker, not a timing: generous, since real-engine tests load
/// and run a model in a debug build on a busy machine.
func runToIdle(_ session: Session, limit: Double = 300, file: StaticString = #filePath, line: UInt = #line) -> [WorkerEvent] {
    var events: [WorkerEvent] = []
    let idle = session.runUntilIdle(timeout: limit) { events += $0.events }
    XCTAssertTrue(idle, "session did not become idle", file: file, line: line)
    return events
}
