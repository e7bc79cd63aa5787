import Foundation

/// A one-line progress bar on standard error — step, it/s and ETA — redrawn in place with `\r`.
/// It draws only when standard error is a terminal, so logs and pipes stay clean, and at most ten
/// times a second (plus the last step), so fast models do not flood a slow terminal.
final class ProgressBar {
    let total: Int
    let label: String
    let width: Int
    private let start: Date
    private let enabled: Bool
    private var lastDraw: Date?

    init(total: Int, label: String = "step", width: Int = 24, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = max(total, 1)
        self.label = label
        self.width = width
        self.start = Date()
        self.enabled = enabled
    }

    /// The line for `completed` of `total` after `elapsed` seconds (pure, for testing by eye).
    static func line(completed: Int, total: Int, elapsed: TimeInterval, label: String, width: Int) -> String {
        let fraction = min(max(Double(completed) / Double(total), 0), 1)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = elapsed > 0 && completed > 0 ? Double(completed) / elapsed : 0
        let eta = rate > 0 ? Double(total - completed) / rate : 0
        let digits = String(total).count
        let count = String(repeating: " ", count: digits - String(completed).count) + String(completed)
        return "\(label) \(count)/\(total) ▕\(bar)▏ \(String(format: "%.2f", rate)) it/s  ETA \(clock(eta))"
    }

    /// `m:ss`, or `h:mm:ss` from an hour on.
    static func clock(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        let (h, m, s) = (whole / 3600, (whole % 3600) / 60, whole % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    /// Redraws the bar for `completed` steps.
    func update(completed: Int) {
        guard enabled else { return }
        let now = Date()
        if let lastDraw, completed < total, now.timeIntervalSince(lastDraw) < 0.1 { return }
        lastDraw = now
        let text = Self.line(completed: completed, total: total, elapsed: now.timeIntervalSince(start),
                             label: label, width: width)
        FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K").utf8))
    }

    /// Ends the line so later output starts on a fresh one.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
