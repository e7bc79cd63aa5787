/// What a colour is for. The TUI colours everything through these roles, so a theme file changes
/// the whole look; the names are the keys of a theme's `[colors]` table.
public enum ThemeRole: String, CaseIterable, Sendable {
    case background, text, muted, accent, border
    case borderFocused = "border_focused"
    case selection
    case queued, running, done, failed, cancelled
    case progress
    case progressTrack = "progress_track"
    case error, warning

    /// How the role stands out when there is no colour (a monochrome theme or terminal).
    public var monochromeAttributes: TextAttributes {
        switch self {
        case .accent, .borderFocused, .running, .failed, .error: return .bold
        case .selection, .progress: return .reverse
        case .muted, .cancelled, .progressTrack, .border: return .dim
        case .warning: return .underline
        case .background, .text, .queued, .done: return []
        }
    }

    /// The colour of a job state.
    public static func state(_ state: JobState) -> ThemeRole {
        switch state {
        case .queued: return .queued
        case .running: return .running
        case .done: return .done
        case .failed: return .failed
        case .cancelled: return .cancelled
        }
    }
}

/// Text attributes a terminal can show without colour.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let dim = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let underline = TextAttributes(rawValue: 1 << 3)
}
