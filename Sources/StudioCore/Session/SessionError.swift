import DiTEngine
/// Why a session could not be created, opened or written. Messages name the directory or file.
public enum SessionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The directory has no journal: it is not a session (or was never finished being created).
    case notASession(path: String)
    case unknownSession(id: String, root: String)
    /// Another dit-studio has the session open.
    case locked(path: String)
    case cannotCreate(path: String, reason: String)
    case journalUnreadable(path: String, reason: String)
    /// Writing the journal failed (disk full, read-only…); the change was not made.
    case journalUnwritable(path: String, reason: String)
    /// The session is closed.
    case closed(id: String)
    /// The session's folder could not be deleted.
    case cannotRemove(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notASession(path):
            return "\(path): not a dit-studio session (no journal.jsonl)"
        case let .unknownSession(id, root):
            return "no session '\(id)' in \(root)"
        case let .locked(path):
            return "\(path): the session is open in another dit-studio; close that one or open another session"
        case let .cannotCreate(path, reason):
            return "\(path): cannot create the session: \(reason)"
        case let .journalUnreadable(path, reason):
            return "\(path): cannot read the journal: \(reason)"
        case let .journalUnwritable(path, reason):
            return "\(path): cannot write the journal: \(reason); the change was not made (free some space or fix the folder's permissions)"
        case let .closed(id):
            return "session \(id) is closed"
        case let .cannotRemove(path, reason):
            return "\(path): cannot remove the session: \(reason)"
        }
    }
}

extension SessionError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .notASession, .unknownSession: return .badInput
        case .locked, .cannotCreate, .journalUnreadable, .journalUnwritable, .closed, .cannotRemove: return .failure
        }
    }
}
