import DiTEngine
/// Why reading or writing a PNG failed. Every message names the file (or keyword) and the reason.
public enum PNGError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or decoded: missing, unreadable, not a PNG, corrupt or truncated.
    case unreadable(path: String, reason: String)
    /// libpng could not encode the image (the file itself is written by `SafeFileWriter`, whose
    /// refusals are `FileWriteError`s).
    case unwritable(path: String, reason: String)
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
            return "\(path): cannot encode PNG: \(reason)"
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
    /// Reading an image is input; writing one fails for other reasons, except for text the job
    /// brought (a prompt holding a NUL).
    public var category: ErrorCategory {
        switch self {
        case .unreadable, .invalidText: return .badInput
        case .unwritable, .invalidKeyword, .invalidImage: return .failure
        }
    }
}
