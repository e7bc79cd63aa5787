import Foundation

/// Runs a preset headless in a session: expands it, queues each operation's jobs, waits for them
/// (an operation acts on the previous one's result, so they run in order), and reports progress
/// through a callback. What `dit-studio run PRESET` does once it has an engine.
public final class PresetRunner {
    public let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// What happens during a run, for a progress display.
    public enum Event: Equatable, Sendable {
        /// Operation `operation` of `total` queued these jobs.
        case queued(operation: Int, total: Int, label: String, jobs: [JobID])
        /// A worker event about one of the run's jobs (steps, previews, model loading…).
        case worker(WorkerEvent)
        /// Something the session reported (journal trouble…).
        case problem(String)
    }

    /// Why a run ended before its jobs were all finished. The jobs not finished then stay in the
    /// session's queue (`dit-studio sessions resume` runs them).
    public enum Ending: Equatable, Sendable {
        /// A stop was requested (the user interrupted the run).
        case interrupted
        /// The session's queue is paused.
        case paused
        /// No job can start: the session's journal cannot be written (the message says why).
        case stalled(String)
        /// The safety-net timeout passed.
        case timedOut

        public var message: String {
            switch self {
            case .interrupted: return "interrupted"
            case .paused: return PresetError.queuePaused.description
            case let .stalled(reason): return reason
            case .timedOut: return "the jobs did not finish in time"
            }
        }
    }

    /// What a run made.
    public struct Report: Equatable, Sendable {
        public var plan: PresetPlan
        public var jobs: [JobID] = []
        /// The images written, in job order.
        public var outputs: [URL] = []
        /// Jobs that failed, with why; operations after a failure do not run.
        public var failures: [JobID: String] = [:]
        public var cancelled: [JobID] = []
        /// Set when the run stopped early (then the unfinished jobs are neither done nor failed).
        public var ending: Ending?

        public var succeeded: Bool { failures.isEmpty && cancelled.isEmpty && ending == nil }
    }

    /// Runs `preset` for `prompt` (nil = its default prompt), first seed `seed` (nil = the
    /// preset's or random), `overrides` on top of every operation. Throws `PresetError` when it
    /// cannot start (no prompt, a job refused); see `run(_:timeout:stop:onEvent:)` for the rest.
    public func run(_ preset: Preset, prompt: String?, seed: UInt64? = nil, overrides: SettingsPatch = SettingsPatch(),
                    timeout: Double = .infinity, stop: StopRequest = .never,
                    onEvent: (Event) -> Void = { _ in }) throws -> Report {
        var generator = SystemRandomNumberGenerator()
        let plan = try preset.plan(prompt: prompt, seed: seed, overrides: overrides, using: &generator)
        return try run(plan, timeout: timeout, stop: stop, onEvent: onEvent)
    }

    /// Runs an expanded preset. Throws `PresetError.jobRefused` when the session refuses a job's
    /// parameters, or the `SessionError` when the journal cannot record the jobs being queued.
    /// Failures of jobs are in the report, and so is an early end: an interrupt (`stop`, asked
    /// between pumps), a paused queue, a journal that cannot record a job's start, or the
    /// safety-net `timeout` — the run never waits for a job that cannot start.
    ///
    /// A step that edits a previous result takes the previous step's first image, or `image` for
    /// the first step; `PresetError.noSourceImage` when there is none.
    public func run(_ plan: PresetPlan, image: ImageReference? = nil, timeout: Double = .infinity, stop: StopRequest = .never,
                    onEvent: (Event) -> Void = { _ in }) throws -> Report {
        var report = Report(plan: plan)
        let deadline = Date(timeIntervalSinceNow: min(timeout, 1e9))
        var previous = image

        for step in plan.steps {
            if stop.isRequested { report.ending = .interrupted; break }
            var ids: [JobID] = []
            for var request in step.requests {
                if step.editsPreviousResult {
                    guard let source = previous else {
                        throw PresetError.noSourceImage(name: plan.presetName, operation: step.operation)
                    }
                    if case .edit(let operation) = request.kind { request.kind = .edit(operation.withSource(source)) }
                }
                do {
                    ids += try session.enqueue(request)
                } catch let error as JobError {
                    throw PresetError.jobRefused(name: plan.presetName, operation: step.operation, reason: error.description)
                }
            }
            report.jobs += ids
            onEvent(.queued(operation: step.operation, total: plan.steps.count, label: step.label, jobs: ids))

            let mine = Set(ids)
            let outcome = session.run(until: mine, timeout: deadline.timeIntervalSinceNow, stop: stop) { update in
                for event in update.events where event.job.map(mine.contains) ?? true {
                    onEvent(.worker(event))
                }
                update.problems.forEach { onEvent(.problem($0)) }
            }
            var firstOutput: ImageReference?
            for id in ids {
                guard let job = session.queue[id] else { continue }
                switch job.state {
                case .done:
                    if let url = session.imageURL(of: id) {
                        report.outputs.append(url)
                        if firstOutput == nil { firstOutput = ImageReference(path: url.path, jobID: id) }
                    }
                case .failed: report.failures[id] = job.error ?? "failed"
                case .cancelled: report.cancelled.append(id)
                case .queued, .running: break
                }
            }
            switch outcome {
            case .finished: break
            case .stopped: report.ending = .interrupted
            case .paused: report.ending = .paused
            case let .stalled(reason): report.ending = .stalled(reason)
            case .timedOut: report.ending = .timedOut
            }
            if !report.succeeded { break }
            previous = firstOutput ?? previous
        }
        return report
    }
}
