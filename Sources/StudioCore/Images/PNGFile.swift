import CShims
import DiTEngine
import Foundation

/// Reads and writes PNG files through libpng (the C shim in CShims keeps libpng's longjmp error
/// path out of Swift). The only Swift code that talks to libpng.
public enum PNGFile {
    /// The libpng version in use, e.g. "1.6.39".
    public static var libraryVersion: String { String(cString: cshims_png_library_version()) }

    /// Decodes any PNG (gray, gray+alpha, RGB, RGBA, palette; 1–16 bits; interlaced or not) into
    /// 8-bit RGB plus alpha where the file has it, with its text chunks (tEXt, zTXt, iTXt).
    /// 16-bit samples are rounded to 8 bits (v / 257). Gamma and colour profiles are ignored.
    /// Only a regular file is read (`InputFile`): a FIFO or a device is refused by name.
    public static func read(from url: URL) throws -> PNGImage {
        let file: InputFile
        do { file = try InputFile(url: url) } catch let error as InputFileError {
            throw PNGError.unreadable(path: url.path, reason: error.reason)
        }
        // The C reader takes its own descriptor (it closes it); `file` closes the original.
        let descriptor = dup(file.descriptor)
        guard descriptor >= 0 else {
            throw PNGError.unreadable(path: url.path, reason: String(cString: strerror(errno)))
        }
        var decoded = cshims_png_image()
        var message = [CChar](repeating: 0, count: 512)
        let status = cshims_png_read_descriptor(descriptor, &decoded, &message, message.count)
        defer { cshims_png_image_free(&decoded) }
        guard status == 0 else {
            throw PNGError.unreadable(path: url.path, reason: string(fromNulTerminated: message))
        }

        let width = Int(decoded.width), height = Int(decoded.height), channels = Int(decoded.channels)
        let count = width * height
        guard count > 0, let source = decoded.pixels, let colorType = PNGColorType(rawValue: decoded.color_type) else {
            throw PNGError.unreadable(path: url.path, reason: "the decoder returned no pixels")
        }
        var rgb = [UInt8](repeating: 0, count: count * 3)
        var alpha: [UInt8]? = nil
        if channels == 4 {
            var plane = [UInt8](repeating: 0, count: count)
            for pixel in 0..<count {
                rgb[pixel * 3] = source[pixel * 4]
                rgb[pixel * 3 + 1] = source[pixel * 4 + 1]
                rgb[pixel * 3 + 2] = source[pixel * 4 + 2]
                plane[pixel] = source[pixel * 4 + 3]
            }
            alpha = plane
        } else {
            rgb.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: source, count: count * 3)) }
        }

        var chunks: [PNGTextChunk] = []
        for index in 0..<Int(decoded.text_count) {
            chunks.append(textChunk(decoded.texts[index]))
        }
        var dropped: PNGImage.DroppedTextChunks?
        if decoded.dropped_text_count > 0 {
            let reason = withUnsafeBytes(of: decoded.dropped_text_reason) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            dropped = PNGImage.DroppedTextChunks(count: Int(decoded.dropped_text_count), reason: reason)
        }
        return PNGImage(image: RGBImage(width: width, height: height, pixels: rgb), alpha: alpha,
                        format: PNGFormat(colorType: colorType, bitDepth: Int(decoded.bit_depth),
                                          interlaced: decoded.interlaced != 0),
                        textChunks: chunks, droppedTextChunks: dropped)
    }

    /// Writes an 8-bit RGB PNG with the given text chunks through `writer` (see `SafeFileWriter`:
    /// atomic, never replacing anything but a regular file, and that only with `overwrite`).
    public static func write(_ image: RGBImage, textChunks: [PNGTextChunk] = [], to url: URL,
                             overwrite: Bool = false, writer: SafeFileWriter = SafeFileWriter()) throws {
        try write(PNGRawImage(image), textChunks: textChunks, to: url, overwrite: overwrite, writer: writer)
    }

    /// Writes pixels in any PNG colour type and bit depth, like `write(_:textChunks:to:overwrite:writer:)`.
    /// Encoding errors are `PNGError`s; file errors are `FileWriteError`s.
    public static func write(_ raw: PNGRawImage, textChunks: [PNGTextChunk] = [], to url: URL,
                             overwrite: Bool = false, writer: SafeFileWriter = SafeFileWriter()) throws {
        let bytes = try encode(raw, textChunks: textChunks, reportedPath: url.path)
        try writer.write(bytes, to: url, overwrite: overwrite)
    }

    /// The complete PNG file as bytes.
    public static func encode(_ raw: PNGRawImage, textChunks: [PNGTextChunk] = [], reportedPath: String = "image") throws -> [UInt8] {
        try raw.validate()
        return try encode(raw, texts: try textChunks.map(encode), reportedPath: reportedPath)
    }

    // MARK: - Text chunks

    /// A text chunk as the C writer takes it: NUL-terminated bytes.
    private struct EncodedText {
        var keyword: [CChar]
        var text: [CChar]
        var international: Bool
    }

    private static func encode(_ chunk: PNGTextChunk) throws -> EncodedText {
        let keyword = chunk.keyword
        let scalars = Array(keyword.unicodeScalars)
        guard (1...79).contains(scalars.count) else {
            throw PNGError.invalidKeyword(keyword: keyword, reason: "must be 1 to 79 characters long")
        }
        guard scalars.allSatisfy({ (32...126).contains($0.value) || (161...255).contains($0.value) }) else {
            throw PNGError.invalidKeyword(keyword: keyword, reason: "may only contain printable Latin-1 characters")
        }
        guard scalars.first != " ", scalars.last != " ", !keyword.contains("  ") else {
            throw PNGError.invalidKeyword(keyword: keyword, reason: "may not start or end with a space or contain two spaces in a row")
        }
        guard !chunk.text.unicodeScalars.contains("\0") else {
            throw PNGError.invalidText(keyword: keyword, reason: "contains a NUL character, which PNG text cannot store")
        }
        // iTXt when the text needs it, or when the caller asks for it (the studio's JSON chunk).
        let international = chunk.kind == .internationalText || !chunk.text.unicodeScalars.allSatisfy { $0.value <= 0xFF }
        let textBytes: [UInt8] = international ? Array(chunk.text.utf8) : chunk.text.unicodeScalars.map { UInt8($0.value) }
        return EncodedText(keyword: scalars.map { CChar(bitPattern: UInt8($0.value)) } + [0],
                           text: textBytes.map { CChar(bitPattern: $0) } + [0],
                           international: international)
    }

    private static func textChunk(_ text: cshims_png_text) -> PNGTextChunk {
        let bytes = UnsafeBufferPointer(start: text.text, count: text.text_length)
        let keyword = text.keyword.map { latin1String(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: strlen($0))) } ?? ""
        switch Int(text.kind) {
        case CSHIMS_PNG_TEXT_ITXT:
            return PNGTextChunk(keyword: keyword, text: String(decoding: bytes, as: UTF8.self),
                                kind: .internationalText,
                                languageTag: text.language_tag.map { String(cString: $0) } ?? "",
                                translatedKeyword: text.translated_keyword.map { String(cString: $0) } ?? "")
        case CSHIMS_PNG_TEXT_ZTXT:
            return PNGTextChunk(keyword: keyword, text: latin1String(bytes), kind: .compressedText)
        default:
            return PNGTextChunk(keyword: keyword, text: latin1String(bytes), kind: .text)
        }
    }

    /// The text in a C error buffer, up to its NUL.
    private static func string(fromNulTerminated buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Latin-1 maps each byte to the Unicode scalar of the same value.
    private static func latin1String(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    // MARK: - Encoding

    private static func encode(_ raw: PNGRawImage, texts: [EncodedText], reportedPath: String) throws -> [UInt8] {
        let samples = raw.packedSamples
        let palette = raw.palette.flatMap { [$0.red, $0.green, $0.blue] }
        var message = [CChar](repeating: 0, count: 512)

        // The C strings must stay alive during the call: pin every text's buffers, then call.
        var pinned: [UnsafeMutablePointer<CChar>] = []
        defer { pinned.forEach { $0.deallocate() } }
        func pin(_ bytes: [CChar]) -> UnsafePointer<CChar> {
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            pointer.initialize(from: bytes, count: bytes.count)
            pinned.append(pointer)
            return UnsafePointer(pointer)
        }
        let textArray = texts.map { text in
            cshims_png_text_in(keyword: pin(text.keyword), text: pin(text.text),
                               international: text.international ? 1 : 0)
        }

        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        defer { cshims_png_bytes_free(bytes) }
        let status = samples.withUnsafeBufferPointer { samplePointer in
            palette.withUnsafeBufferPointer { palettePointer in
                raw.paletteAlpha.withUnsafeBufferPointer { alphaPointer in
                    textArray.withUnsafeBufferPointer { textPointer -> Int32 in
                        var request = cshims_png_write_request()
                        request.width = UInt32(raw.width)
                        request.height = UInt32(raw.height)
                        request.color_type = raw.colorType.rawValue
                        request.bit_depth = Int32(raw.bitDepth)
                        request.interlaced = raw.interlaced ? 1 : 0
                        request.samples = samplePointer.baseAddress
                        request.palette = palettePointer.baseAddress
                        request.palette_count = Int32(raw.palette.count)
                        request.palette_alpha = alphaPointer.baseAddress
                        request.palette_alpha_count = Int32(raw.paletteAlpha.count)
                        if let color = raw.transparentColor {
                            request.has_transparent_color = 1
                            request.transparent_gray = color[0]
                            if color.count == 3 {
                                request.transparent_red = color[0]
                                request.transparent_green = color[1]
                                request.transparent_blue = color[2]
                            }
                        }
                        request.texts = textPointer.baseAddress
                        request.text_count = Int32(textArray.count)
                        return cshims_png_encode(&request, &bytes, &length, &message, message.count)
                    }
                }
            }
        }
        guard status == 0, let bytes else {
            throw PNGError.unwritable(path: reportedPath, reason: string(fromNulTerminated: message))
        }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }
}
