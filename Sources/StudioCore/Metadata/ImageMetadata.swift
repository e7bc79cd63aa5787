import Foundation

/// The two text chunks every saved image carries, and reading them back:
/// `parameters` (A1111 style, for the ecosystem's "PNG info" tools) and `dit-studio` (our JSON
/// record, complete enough to reproduce the image).
public struct ImageMetadata: Equatable, Sendable {
    public static let parametersKeyword = "parameters"
    public static let studioKeyword = "dit-studio"

    /// Our record, when the image has a readable `dit-studio` chunk.
    public var provenance: ImageProvenance?
    /// The `parameters` chunk as parsed, when present.
    public var parameters: A1111Parameters?
    /// The raw texts, for `dit-studio info`.
    public var parametersText: String?
    public var studioText: String?
    /// What could not be read (a damaged JSON chunk…).
    public var notes: [String]

    public init(provenance: ImageProvenance?, parameters: A1111Parameters?, parametersText: String?,
                studioText: String?, notes: [String]) {
        self.provenance = provenance
        self.parameters = parameters
        self.parametersText = parametersText
        self.studioText = studioText
        self.notes = notes
    }

    /// The chunks to write with an image.
    public static func textChunks(for provenance: ImageProvenance) throws -> [PNGTextChunk] {
        let parameters = A1111Parameters(kind: provenance.kind, parameters: provenance.parameters, model: provenance.model)
        return [
            PNGTextChunk(keyword: parametersKeyword, text: parameters.text, kind: .text),
            PNGTextChunk(keyword: studioKeyword, text: try StudioJSON.encodeString(provenance), kind: .internationalText),
        ]
    }

    /// The metadata of a decoded PNG; never throws: whatever cannot be read becomes a note.
    public init(png: PNGImage) {
        let parametersText = png.text(forKeyword: Self.parametersKeyword)
        let studioText = png.text(forKeyword: Self.studioKeyword)
        var notes: [String] = []
        var provenance: ImageProvenance?
        if let studioText {
            do {
                provenance = try StudioJSON.decode(ImageProvenance.self, from: Data(studioText.utf8))
            } catch {
                notes.append("the '\(Self.studioKeyword)' chunk cannot be read (\(StudioJSON.describe(error)))")
            }
        }
        self.init(provenance: provenance, parameters: parametersText.map(A1111Parameters.parse),
                  parametersText: parametersText, studioText: studioText, notes: notes)
    }

    /// Reads the metadata of the PNG at `url`; throws `PNGError` when the file cannot be read.
    public init(contentsOf url: URL) throws {
        self.init(png: try PNGFile.read(from: url))
    }

    /// A request that makes the image again: from our record when there is one (exact), else from
    /// the `parameters` chunk as far as it goes, starting from `defaults`. Nil when the image has
    /// neither chunk. `notes` says what was guessed.
    public func jobRequest(defaults: GenerateParameters) -> (request: JobRequest, notes: [String])? {
        if let provenance { return (provenance.jobRequest, notes) }
        guard let parameters else { return nil }
        let (values, guessed) = parameters.generateParameters(defaults: defaults)
        return (JobRequest(parameters: values, seedPolicy: .fixed, count: 1),
                notes + ["no '\(Self.studioKeyword)' chunk: read from the A1111 'parameters' chunk"] + guessed)
    }
}
