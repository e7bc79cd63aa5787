import ArgumentParser
import DiTEngine
import Foundation

/// The exit statuses of `dit-studio`, decided in one place from the error alone:
///
/// - 0: success (help and `--version` too).
/// - 1: the operation failed for a reason other than the input — a write failed (disk full,
///   permissions), memory ran out, the engine produced NaN, a job of a preset run failed.
/// - 2: the input is wrong — a flag, a file or directory named on the command line (an image, a
///   model directory and its configs and weights), a model's studio.json or scheduler config, a
///   preset or theme file, an image's metadata. Fixing the input fixes it.
/// - A signal (Ctrl-C) ends the process the default way: the shell reports 128 + the signal's
///   number (130 for SIGINT, 143 for SIGTERM).
///
/// Every error enum of the libraries says which kind it is (`CategorizedError`, per case, beside its
/// messages); command-line mistakes are ArgumentParser's errors and `ValidationError`, which alone
/// are followed by the command's usage.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let badInput: Int32 = 2

    /// The status for an error thrown by a command's `run()`.
    static func code(for error: Error) -> Int32 {
        switch error {
        case let exit as ExitCode:
            return exit.rawValue
        case is ValidationError:
            return badInput
        case let categorized as CategorizedError:
            return code(for: categorized.category)
        default:
            return failure
        }
    }

    static func code(for category: ErrorCategory) -> Int32 {
        switch category {
        case .badInput: return badInput
        case .failure: return failure
        }
    }
}
