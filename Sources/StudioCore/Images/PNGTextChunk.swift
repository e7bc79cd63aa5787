/// A keyword/text pair stored in a PNG (generation parameters, software name, comments).
///
/// When writing, the chunk type follows from the content: tEXt when the text is Latin-1 (what
/// most tools read, e.g. A1111's `parameters`), iTXt (UTF-8) otherwise or when `kind` is
/// `.internationalText`; other kinds are not written (zTXt is read only).
public struct PNGTextChunk: Equatable, Sendable {
    /// The chunk a text was stored in.
    public enum Kind: String, Sendable {
        /// tEXt: Latin-1, uncompressed.
        case text = "tEXt"
        /// zTXt: Latin-1, compressed.
        case compressedText = "zTXt"
        /// iTXt: UTF-8, optionally compressed, with a language tag.
        case internationalText = "iTXt"
    }

    /// 1–79 Latin-1 characters, e.g. `parameters`, `Software`, `Comment`.
    public var keyword: String
    public var text: String
    public var kind: Kind
    /// iTXt only: an RFC 3066 language tag such as `en`, often empty.
    public var languageTag: String
    /// iTXt only: the keyword in the text's language, often empty.
    public var translatedKeyword: String

    public init(keyword: String, text: String, kind: Kind = .text,
                languageTag: String = "", translatedKeyword: String = "") {
        self.keyword = keyword
        self.text = text
        self.kind = kind
        self.languageTag = languageTag
        self.translatedKeyword = translatedKeyword
    }
}
