import Foundation

/// The one mailbox through which the worker talks to whoever drives the session (the TUI's loop,
/// a headless run). The worker posts; the owner drains at its own pace.
///
/// Step events are coalesced: a new step of the same job replaces an undrained one right before
/// it, so a slow reader sees the latest progress and preview, not a backlog of stale images.
/// Thread safety: every access to `events` holds `condition`'s lock, hence `@unchecked Sendable`.
public final class EventInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [WorkerEvent] = []
    private var wakeHandler: (@Sendable () -> Void)?
    /// Whether consecutive step events of one job replace each other (see above).
    public let coalescesSteps: Bool

    public init(coalescesSteps: Bool = true) {
        self.coalescesSteps = coalescesSteps
    }

    /// Called (on the posting thread) after every post, e.g. to wake a `poll()`-based UI loop
    /// through a pipe. Keep it short and non-blocking.
    public func setWakeHandler(_ handler: (@Sendable () -> Void)?) {
        condition.lock()
        wakeHandler = handler
        condition.unlock()
    }

    public func post(_ event: WorkerEvent) {
        condition.lock()
        if coalescesSteps, case let .step(job, _, newPreview) = event,
           let last = events.last, case let .step(lastJob, _, lastPreview) = last, lastJob == job {
            // Keep a preview even when the newer step came without one.
            if newPreview == nil, let lastPreview, case let .step(_, progress, _) = event {
                events[events.count - 1] = .step(job: job, progress: progress, preview: lastPreview)
            } else {
                events[events.count - 1] = event
            }
        } else {
            events.append(event)
        }
        let handler = wakeHandler
        condition.broadcast()
        condition.unlock()
        handler?()
    }

    /// Everything posted since the last drain, oldest first.
    public func drain() -> [WorkerEvent] {
        condition.lock()
        defer { condition.unlock() }
        let drained = events
        events.removeAll(keepingCapacity: true)
        return drained
    }

    /// Waits until something is posted or `timeout` seconds pass; true when events are waiting.
    @discardableResult
    public func wait(timeout: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: max(0, timeout))
        while events.isEmpty {
            if !condition.wait(until: deadline) { break }
        }
        return !events.isEmpty
    }

    /// Whether an undrained step event of `job` already carries a preview (then decoding another
    /// one now would be wasted: the reader has not looked at the last).
    public func hasUndrainedPreview(for job: JobID) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return events.contains { event in
            if case let .step(eventJob, _, preview) = event { return eventJob == job && preview != nil }
            return false
        }
    }

    public var isEmpty: Bool {
        condition.lock()
        defer { condition.unlock() }
        return events.isEmpty
    }
}
