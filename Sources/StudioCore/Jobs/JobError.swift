import DiTEngine
/// Why a job was refused before it was queued. Messages name the parameter and what to do.
public enum JobError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter is out of range or does not fit the model (`key` names it: steps, guidance, size…).
    case invalidParameter(key: String, reason: String)
    /// The engine cannot do this kind of job yet (regional prompting, an edit, a caching level).
    case unsupported(String)
    /// An edit's source image does not exist or cannot be read.
    case missingSource(path: String, reason: String)
    /// A layout breaks a rule (a box outside the image, no regions…).
    case invalidLayout(String)
    /// A mask image (a region's or an inpaint's) cannot be used; the reason names the file.
    case invalidMask(String)

    public var description: String {
        switch self {
        case let .invalidParameter(key, reason): return "\(key): \(reason)"
        case let .unsupported(reason): return reason
        case let .missingSource(path, reason): return "source image \(path): \(reason)"
        case let .invalidLayout(reason): return "layout: \(reason)"
        case let .invalidMask(reason): return "mask: \(reason)"
        }
    }
}

extension JobError: CategorizedError {
    /// A refused job is refused for what it asks.
    public var category: ErrorCategory {
        switch self {
        case .invalidParameter, .unsupported, .missingSource, .invalidLayout, .invalidMask: return .badInput
        }
    }
}
