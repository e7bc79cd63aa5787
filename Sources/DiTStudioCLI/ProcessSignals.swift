import ArgumentParser
import CShims
import Foundation
import StudioCore

/// How `dit-studio` treats signals, set up once at start-up:
///
/// - SIGXFSZ is ignored, so a write past the file-size limit (`ulimit -f`) fails with EFBIG and
///   ends in a message naming the file, instead of the kernel killing the process silently with a
///   temporary file left behind.
/// - SIGINT, SIGTERM and SIGQUIT are the stop signals, all handled alike. Commands that write
///   files (`generate`, `run`, `sessions resume`) ask for a graceful stop: the first signal is
///   noted, the work stops at the next step boundary, nothing half-written is left, the images
///   already finished are reported, and the exit status is 128 + the signal's number (130 for
///   Ctrl-C), as a shell reports an interrupted command. A second signal ends the process at once.
///   Other commands end at once with that status (SIGQUIT included: no crash backtrace).
enum ProcessSignals {
    static func installAtStartUp() {
        signal(SIGXFSZ, SIG_IGN)
        _ = cshims_install_stop_signal_handlers()
    }

    /// From now on the first stop signal is only noted (see `stopSignal`).
    static func stopGracefully() {
        cshims_set_graceful_stop(1)
    }

    /// The stop signal received, if any.
    static var stopSignal: Int32? {
        let received = cshims_received_stop_signal()
        return received == 0 ? nil : received
    }

    static var stopRequested: Bool { stopSignal != nil }

    /// The same, for a session or preset run to ask between pumps.
    static let stopRequest = StopRequest { cshims_received_stop_signal() != 0 }

    /// Ends the command after a graceful stop: says so on standard error (with `detail`, e.g.
    /// how to resume) and exits with 128 + the signal's number.
    static func interrupted(detail: String? = nil) -> ExitCode {
        let signal = stopSignal ?? SIGINT
        let line = "interrupted by \(name(of: signal))" + (detail.map { "; \($0)" } ?? "")
        Console.error(line)
        return ExitCode(128 + signal)
    }

    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGQUIT: return "SIGQUIT"
        default: return "signal \(signal)"
        }
    }
}
