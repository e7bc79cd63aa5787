/// Progress of the running job after a step: for the progress bar and the header's it/s.
public struct StepProgress: Equatable, Sendable {
    /// Steps done so far (1-based index of the step just taken) and in all.
    public var step: Int
    public var total: Int
    /// Seconds since sampling began (model loading excluded).
    public var elapsed: Double
    /// Steps per second, nil until it can be measured.
    public var iterationsPerSecond: Double?
    /// Estimated seconds to the end, nil until it can be estimated.
    public var remainingSeconds: Double?

    public init(step: Int, total: Int, elapsed: Double, iterationsPerSecond: Double?, remainingSeconds: Double?) {
        self.step = step
        self.total = total
        self.elapsed = elapsed
        self.iterationsPerSecond = iterationsPerSecond
        self.remainingSeconds = remainingSeconds
    }

    /// 0…1, for a progress bar.
    public var fraction: Double { total > 0 ? Double(step) / Double(total) : 0 }
}

/// Turns step times into `StepProgress`. The first step also pays for text encoding and warm-up,
/// so once there are two steps the rate is measured from the end of the first.
public struct StepTimer: Sendable {
    public let start: Double
    private var firstStepEnd: Double?

    public init(start: Double) {
        self.start = start
    }

    public mutating func progress(step: Int, total: Int, now: Double) -> StepProgress {
        let elapsed = max(0, now - start)
        var rate: Double?
        if step <= 1 {
            firstStepEnd = now
            rate = elapsed > 0 ? Double(step) / elapsed : nil
        } else if let firstStepEnd, now > firstStepEnd {
            rate = Double(step - 1) / (now - firstStepEnd)
        } else if elapsed > 0 {
            rate = Double(step) / elapsed
        }
        let remaining = rate.map { Double(max(0, total - step)) / $0 }
        return StepProgress(step: step, total: total, elapsed: elapsed, iterationsPerSecond: rate, remainingSeconds: remaining)
    }
}
