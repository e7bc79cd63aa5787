/// A decoded PNG: its pixels as 8-bit sRGB whatever the file stored, the alpha it had, how the
/// file stored them, and its text chunks in file order.
public struct PNGImage: Equatable, Sendable {
    public var image: RGBImage
    /// One byte per pixel when the file had alpha (an alpha channel or a tRNS chunk), else nil.
    public var alpha: [UInt8]?
    public var format: PNGFormat
    public var textChunks: [PNGTextChunk]
    /// Text chunks the decoder dropped — too large to decompress (libpng stops at 8 MB), a bad CRC,
    /// too many chunks — so that "not there" and "could not be read" can be told apart.
    public var droppedTextChunks: DroppedTextChunks?

    /// How many text chunks were dropped (at least), and libpng's reason for the first.
    public struct DroppedTextChunks: Equatable, Sendable, CustomStringConvertible {
        public var count: Int
        /// E.g. `zTXt: insufficient memory`: the chunk type, then libpng's words.
        public var reason: String

        public init(count: Int, reason: String) {
            self.count = count
            self.reason = reason
        }

        /// `1 text chunk could not be read and was left out (zTXt: …)`.
        public var description: String {
            "\(count) text chunk\(count == 1 ? "" : "s") could not be read and \(count == 1 ? "was" : "were") left out (libpng: \(reason))"
        }
    }

    public init(image: RGBImage, alpha: [UInt8]? = nil, format: PNGFormat, textChunks: [PNGTextChunk] = [],
                droppedTextChunks: DroppedTextChunks? = nil) {
        precondition(alpha == nil || alpha?.count == image.width * image.height,
                     "the alpha plane needs one byte per pixel")
        self.image = image
        self.alpha = alpha
        self.format = format
        self.textChunks = textChunks
        self.droppedTextChunks = droppedTextChunks
    }

    /// The text of the first chunk with this keyword (e.g. `parameters`), if any.
    public func text(forKeyword keyword: String) -> String? {
        textChunks.first { $0.keyword == keyword }?.text
    }
}
