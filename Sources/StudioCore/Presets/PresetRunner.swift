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

    /// What a run made.
    public struct Report: Equatable, Sendable {
        public var plan: PresetPlan
        public var jobs: [JobID] = []
        /// The images written, in job order.
        public var outputs: [URL] = []
        /// Jobs that failed, with why; operations after a failure do not run.
        public var failures: [JobID: String] = [:]
        public var cancelled: [JobID] = []

        public var succeeded: Bool { failures.isEmpty && cancelled.isEmpty }
    }

    /// Runs `preset` for `prompt` (nil = its default prompt), first seed `seed` (nil = the
    /// preset's or random), `overrides` on top of every operation. Throws `PresetError` when it
    /// cannot start (no prompt, a job refused); failures of jobs are in the report. `timeout` is a
    /// safety net for tests; jobs still unfinished then are reported as failed.
    public func run(_ preset: Preset, prompt: String?, seed: UInt64? = nil, overrides: SettingsPatch = SettingsPatch(),
                    timeout: Double = .infinity, onEvent: (Event) -> Void = { _ in }) throws -> Report {
        var generator = SystemRandomNumberGenerator()
        let plan = try preset.plan(prompt: prompt, seed: seed, overrides: overrides, using: &generator)
        var report = Report(plan: plan)
        let deadline = Date(timeIntervalSinceNow: min(timeout, 1e9))

        for step in plan.steps {
            var ids: [JobID] = []
            for request in step.requests {
                do {
                    ids += try session.enqueue(request)
                } catch let error as JobError {
                    throw PresetError.jobRefused(name: preset.name, operation: step.operation, reason: error.description)
                }
            }
            report.jobs += ids
            onEvent(.queued(operation: step.operation, total: plan.steps.count, label: step.label, jobs: ids))

            let mine = Set(ids)
            while !ids.allSatisfy({ session.queue[$0]?.state.isFinished ?? true }) {
                if session.queue.isPaused, session.queue.running == nil { throw PresetError.queuePaused }
                if Date() >= deadline { break }
                session.waitForEvents(timeout: 0.25)
                let update = session.pump()
                for event in update.events where event.job.map(mine.contains) ?? true {
                    onEvent(.worker(event))
                }
                update.problems.forEach { onEvent(.problem($0)) }
            }
            for id in ids {
                guard let job = session.queue[id] else { continue }
                switch job.state {
                case .done: if let url = session.imageURL(of: id) { report.outputs.append(url) }
                case .failed: report.failures[id] = job.error ?? "failed"
                case .cancelled: report.cancelled.append(id)
                case .queued, .running: report.failures[id] = "did not finish in time"
                }
            }
            if !report.succeeded { break }
        }
        return report
    }
}
