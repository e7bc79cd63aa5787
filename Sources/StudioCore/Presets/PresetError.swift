import DiTEngine
/// Why a preset could not be found or run.
public enum PresetError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownPreset(name: String, suggestion: String?, available: [String])
    /// The preset's file exists but was refused (see the problem).
    case refused(name: String, problem: ConfigFileError)
    /// No prompt was given and the preset has no default one.
    case missingPrompt(name: String)
    /// A job of the preset was refused by the session (a size the model cannot take…).
    case jobRefused(name: String, operation: Int, reason: String)
    /// The session's queue is paused, so the preset's jobs cannot run.
    case queuePaused
    /// An editing operation has no image to edit: no earlier operation makes one and none was given.
    case noSourceImage(name: String, operation: Int)

    public var description: String {
        switch self {
        case let .unknownPreset(name, suggestion, available):
            return "no preset called '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                + "; available: " + (available.isEmpty ? "none" : available.joined(separator: ", "))
        case let .refused(_, problem):
            return problem.description
        case let .missingPrompt(name):
            return "preset '\(name)' has no default prompt: give one with --prompt"
        case let .jobRefused(name, operation, reason):
            return "preset '\(name)', operation \(operation): \(reason)"
        case .queuePaused:
            return "the queue is paused; resume it to run the preset"
        case let .noSourceImage(name, operation):
            return "preset '\(name)', operation \(operation) edits an image, but no earlier operation makes one: give one with --image IN.png"
        }
    }
}

extension PresetError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .unknownPreset, .refused, .missingPrompt, .jobRefused, .noSourceImage: return .badInput
        case .queuePaused: return .failure
        }
    }
}
