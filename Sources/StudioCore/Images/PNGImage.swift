/// A decoded PNG: its pixels as 8-bit sRGB whatever the file stored, the alpha it had, how the
/// file stored them, and its text chunks in file order.
public struct PNGImage: Equatable, Sendable {
    public var image: RGBImage
    /// One byte per pixel when the file had alpha (an alpha channel or a tRNS chunk), else nil.
    public var alpha: [UInt8]?
    public var format: PNGFormat
    public var textChunks: [PNGTextChunk]

    public init(image: RGBImage, alpha: [UInt8]? = nil, format: PNGFormat, textChunks: [PNGTextChunk] = []) {
        precondition(alpha == nil || alpha?.count == image.width * image.height,
                     "the alpha plane needs one byte per pixel")
        self.image = image
        self.alpha = alpha
        self.format = format
        self.textChunks = textChunks
    }

    /// The text of the first chunk with this keyword (e.g. `parameters`), if any.
    public func text(forKeyword keyword: String) -> String? {
        textChunks.first { $0.keyword == keyword }?.text
    }
}
