/// Where a preset or theme file came from: shipped with the studio, or the user's own (which
/// replaces a shipped one of the same name).
public enum ResourceOrigin: Equatable, Sendable, CustomStringConvertible {
    case builtIn(path: String)
    case user(path: String)

    public var path: String {
        switch self {
        case let .builtIn(path), let .user(path): return path
        }
    }

    /// `built-in` or `user`, for listings.
    public var description: String {
        switch self {
        case .builtIn: return "built-in"
        case .user: return "user"
        }
    }
}
