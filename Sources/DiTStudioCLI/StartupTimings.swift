import Foundation

/// `DIT_STUDIO_TIMINGS=1`: each phase of a command, in milliseconds since `main` began, on standard
/// error — to see where the time before the first step goes. Off (and free) otherwise.
enum StartupTimings {
    static let environmentVariable = "DIT_STUDIO_TIMINGS"
    nonisolated(unsafe) private static var origin: UInt64 = 0
    nonisolated(unsafe) private static var enabled = false

    /// Starts the clock (first thing in `main`).
    static func start() {
        enabled = ProcessInfo.processInfo.environment[environmentVariable] == "1"
        origin = now()
    }

    /// Prints `label` with the time since `start()`, when enabled.
    static func mark(_ label: String) {
        guard enabled else { return }
        let elapsed = Double(now() - origin) / 1e6
        Console.error(String(format: "timings: %8.2f ms  ", elapsed) + label)
    }

    private static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
