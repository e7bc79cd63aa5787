import DiTEngine

/// Why an image's metadata cannot give a job to run again (`generate --from`). Every message
/// names the image, the chunk and, where one is at fault, the key — never "no metadata" when the
/// metadata is there but damaged, refused or dropped by the decoder.
public enum MetadataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The image has neither a `dit-studio` nor a `parameters` text chunk.
    case noMetadata(path: String)
    /// Neither chunk is there, but the decoder dropped text chunks that may have been them.
    case chunksDropped(path: String, dropped: PNGImage.DroppedTextChunks)
    /// A chunk is there but cannot be read; `key` is where, when the problem is one key's.
    case unreadableChunk(path: String, keyword: String, key: String?, reason: String)
    /// A value in a chunk is out of range (steps, guidance, shift, size, the format version).
    case invalidValue(path: String, keyword: String, key: String, reason: String)
    /// The chunk was written by a newer dit-studio, in a layout this one does not know.
    case unsupportedFormat(path: String, keyword: String, format: Int, supported: Int)
    /// A value asks for something this engine cannot do (a regional or edit job, a caching level),
    /// refused as a preset asking for it would be.
    case unavailable(path: String, keyword: String, key: String, reason: String)

    public var description: String {
        switch self {
        case let .noMetadata(path):
            return "\(path): the image has neither a 'dit-studio' nor a 'parameters' text chunk, so there is nothing to make it again from"
        case let .chunksDropped(path, dropped):
            return "\(path): no 'dit-studio' or 'parameters' text chunk could be read: \(dropped)"
        case let .unreadableChunk(path, keyword, key, reason):
            return "\(path): the '\(keyword)' chunk cannot be read: " + (key.map { "key '\($0)' " } ?? "") + reason
        case let .invalidValue(path, keyword, key, reason):
            return "\(path): the '\(keyword)' chunk: key '\(key)' \(reason)"
        case let .unsupportedFormat(path, keyword, format, supported):
            return "\(path): the '\(keyword)' chunk has format \(format), written by a newer dit-studio; this one reads "
                + "format \(supported) at most: update dit-studio to make this image again"
        case let .unavailable(path, keyword, key, reason):
            return "\(path): the '\(keyword)' chunk: key '\(key)': \(reason)"
        }
    }
}

extension MetadataError: CategorizedError {
    /// The image is input the user named.
    public var category: ErrorCategory {
        switch self {
        case .noMetadata, .chunksDropped, .unreadableChunk, .invalidValue, .unsupportedFormat, .unavailable: return .badInput
        }
    }
}
