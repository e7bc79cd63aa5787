import DiTEngine
/// Why reading or writing a PNG failed. Every message names the file (or keyword) and the reason.
public enum PNGError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or decoded: missing, unreadable, not a PNG, corrupt or truncated.
    case unreadable(path: String, reason: String)
    /// libpng or the file system refused to write the file.
    case unwritable(path: String, reason: String)
    /// The destination exists and the caller did not ask to overwrite it.
    case destinationExists(path: String)
    /// A text chunk's keyword breaks the PNG rules (1–79 printable Latin-1 characters, no
    /// leading, trailing or double spaces).
    case invalidKeyword(keyword: String, reason: String)
    /// A text chunk's text cannot be stored (it contains a NUL character).
    case invalidText(keyword: String, reason: String)
    /// The pixel data handed to the writer does not match the declared format.
    case invalidImage(reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read PNG: \(reason)"
        case let .unwritable(path, reason):
            return "\(path): cannot write PNG: \(reason)"
        case let .destinationExists(path):
            return "\(path): file exists; choose another name or allow overwriting"
        case let .invalidKeyword(keyword, reason):
            return "PNG text keyword \"\(keyword)\": \(reason)"
        case let .invalidText(keyword, reason):
            return "PNG text for keyword \"\(keyword)\": \(reason)"
        case let .invalidImage(reason):
            return "cannot encode PNG: \(reason)"
        }
    }
}

extension PNGError: CategorizedError {
    /// Reading an image is input; writing one fails for other reasons, except for a destination
    /// the user chose that exists, and text the job brought (a prompt holding a NUL).
    public var category: ErrorCategory {
        switch self {
        case .unreadable, .destinationExists, .invalidText: return .badInput
        case .unwritable, .invalidKeyword, .invalidImage: return .failure
        }
    }
}
