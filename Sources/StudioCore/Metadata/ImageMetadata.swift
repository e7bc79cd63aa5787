import Foundation
import DiTEngine

/// The two text chunks every saved image carries, and reading them back:
/// `parameters` (A1111 style, for the ecosystem's "PNG info" tools) and `dit-studio` (our JSON
/// record, complete enough to reproduce the image).
public struct ImageMetadata: Equatable, Sendable {
    public static let parametersKeyword = "parameters"
    public static let studioKeyword = "dit-studio"
    /// The deepest nesting the `dit-studio` chunk may have (ours nests four levels): a hostile chunk
    /// must not recurse the JSON decoder into a stack overflow.
    public static let maximumNesting = 32

    /// How messages name the image (its path).
    public var path: String
    /// Our record, when the image has a readable `dit-studio` chunk.
    public var provenance: ImageProvenance?
    /// The `parameters` chunk as parsed, when present.
    public var parameters: A1111Parameters?
    /// The raw texts, for `dit-studio info`.
    public var parametersText: String?
    public var studioText: String?
    /// Why the `dit-studio` chunk, though present, gave no record: damaged (the `parameters` chunk
    /// may stand in) or refused (a newer format: nothing may stand in).
    public var studioProblem: MetadataError?
    /// Text chunks the decoder dropped (too large to decompress, damaged).
    public var droppedTextChunks: PNGImage.DroppedTextChunks?

    public init(path: String, provenance: ImageProvenance?, parameters: A1111Parameters?, parametersText: String?,
                studioText: String?, studioProblem: MetadataError? = nil,
                droppedTextChunks: PNGImage.DroppedTextChunks? = nil) {
        self.path = path
        self.provenance = provenance
        self.parameters = parameters
        self.parametersText = parametersText
        self.studioText = studioText
        self.studioProblem = studioProblem
        self.droppedTextChunks = droppedTextChunks
    }

    /// What could not be read, for listings.
    public var notes: [String] {
        [studioProblem?.description, droppedTextChunks.map { "\(path): \($0)" }].compactMap { $0 }
    }

    /// The chunks to write with an image.
    public static func textChunks(for provenance: ImageProvenance) throws -> [PNGTextChunk] {
        let parameters = A1111Parameters(kind: provenance.kind, parameters: provenance.parameters, model: provenance.model)
        return [
            PNGTextChunk(keyword: parametersKeyword, text: parameters.text, kind: .text),
            PNGTextChunk(keyword: studioKeyword, text: try StudioJSON.encodeString(provenance), kind: .internationalText),
        ]
    }

    /// The metadata of a decoded PNG; never throws: what cannot be read is kept as `studioProblem`.
    public init(png: PNGImage, path: String = "the image") {
        let parametersText = png.text(forKeyword: Self.parametersKeyword)
        let studioText = png.text(forKeyword: Self.studioKeyword)
        var provenance: ImageProvenance?
        var problem: MetadataError?
        if let studioText {
            do {
                provenance = try Self.decodeRecord(studioText, path: path)
            } catch let error as MetadataError {
                problem = error
            } catch {
                problem = .unreadableChunk(path: path, keyword: Self.studioKeyword, key: nil, reason: "\(error)")
            }
        }
        self.init(path: path, provenance: provenance, parameters: parametersText.map(A1111Parameters.parse),
                  parametersText: parametersText, studioText: studioText, studioProblem: problem,
                  droppedTextChunks: png.droppedTextChunks)
    }

    /// Reads the metadata of the PNG at `url`; throws `PNGError` when the file cannot be read.
    public init(contentsOf url: URL) throws {
        self.init(png: try PNGFile.read(from: url), path: url.path)
    }

    /// Our record from the chunk's JSON: the format version first (a newer one is refused, not
    /// half read), then the whole record, a failure naming the key.
    static func decodeRecord(_ text: String, path: String) throws -> ImageProvenance {
        let keyword = studioKeyword
        let data = Data(text.utf8)
        guard data.withUnsafeBytes({ JSONValue.nestingDepth(of: $0) }) <= maximumNesting else {
            throw MetadataError.unreadableChunk(path: path, keyword: keyword, key: nil,
                                                reason: "nests arrays or objects more than \(maximumNesting) levels deep")
        }
        struct FormatOnly: Decodable { var format: Int? }
        if let format = (try? JSONDecoder().decode(FormatOnly.self, from: data))?.format {
            guard format <= ImageProvenance.currentFormat else {
                throw MetadataError.unsupportedFormat(path: path, keyword: keyword, format: format,
                                                      supported: ImageProvenance.currentFormat)
            }
            guard format >= 1 else {
                throw MetadataError.invalidValue(path: path, keyword: keyword, key: "format",
                                                 reason: "must be between 1 and \(ImageProvenance.currentFormat) (got \(format))")
            }
        }
        do {
            return try StudioJSON.decode(ImageProvenance.self, from: data)
        } catch {
            throw MetadataError.unreadableChunk(path: path, keyword: keyword, key: StudioJSON.keyPath(of: error),
                                                reason: StudioJSON.reason(error))
        }
    }

    /// What `jobRequest` gives: the request, what was guessed, and which chunk it came from (so
    /// that a value found wrong later — a size the model cannot take — is reported against it).
    public struct Recipe: Equatable, Sendable {
        public var request: JobRequest
        /// What was guessed or replaced, one line each.
        public var notes: [String]
        /// The chunk the parameters came from.
        public var keyword: String

        /// The chunk's own name for a parameter `GenerateParameters.validate` names (`steps`,
        /// `guidance`, `shift`, `size`): `parameters.steps` in our record, `Steps` in A1111's.
        public func key(for parameter: String) -> String {
            if keyword == ImageMetadata.studioKeyword {
                return parameter == "size" ? "parameters.width/height" : "parameters.\(parameter)"
            }
            switch parameter {
            case "steps": return A1111Parameters.Key.steps
            case "guidance": return A1111Parameters.Key.cfgScale
            case "shift": return A1111Parameters.Key.shift
            case "size": return A1111Parameters.Key.size
            default: return parameter
            }
        }

        /// The error for a value of this chunk found wrong (out of range, not fitting the model).
        public func invalidValue(path: String, parameter: String, reason: String) -> MetadataError {
            .invalidValue(path: path, keyword: keyword, key: key(for: parameter), reason: reason)
        }
    }

    /// A request that makes the image again: from our record when there is one (exact), else from
    /// the `parameters` chunk as far as it goes, starting from `defaults`. Throws `MetadataError`
    /// with the real reason when neither chunk can be used, and refuses — as a preset asking for
    /// them is refused — a job kind or caching level `capabilities` lack and a newer format.
    public func jobRequest(defaults: GenerateParameters, capabilities: EngineCapabilities) throws -> Recipe {
        if case .unsupportedFormat? = studioProblem, let studioProblem { throw studioProblem }
        if case .invalidValue? = studioProblem, let studioProblem { throw studioProblem }
        if let provenance {
            let keyword = Self.studioKeyword
            if let refusal = capabilities.refusal(for: provenance.kind) {
                throw MetadataError.unavailable(path: path, keyword: keyword, key: "kind", reason: refusal)
            }
            if let refusal = capabilities.refusal(forCaching: provenance.parameters.caching) {
                throw MetadataError.unavailable(path: path, keyword: keyword, key: "parameters.caching", reason: refusal)
            }
            return Recipe(request: provenance.jobRequest, notes: [], keyword: keyword)
        }
        guard let parameters else {
            if let studioProblem { throw studioProblem }
            if let droppedTextChunks { throw MetadataError.chunksDropped(path: path, dropped: droppedTextChunks) }
            throw MetadataError.noMetadata(path: path)
        }
        let keyword = Self.parametersKeyword
        if let layout = parameters.value(for: A1111Parameters.Key.layoutRegions),
           let refusal = capabilities.refusal(for: .regional(Layout(basePrompt: "", regions: []))) {
            throw MetadataError.unavailable(path: path, keyword: keyword, key: A1111Parameters.Key.layoutRegions,
                                            reason: "the image was made with regions (\(layout)); \(refusal)")
        }
        if let mode = parameters.value(for: A1111Parameters.Key.edit) {
            let known = EditMode(rawValue: mode)
            if known.map({ !capabilities.editModes.contains($0) }) ?? true {
                throw MetadataError.unavailable(path: path, keyword: keyword, key: A1111Parameters.Key.edit,
                                                reason: "the image was made by an edit ('\(mode)'); editing "
                                                    + "(\(known?.displayName ?? mode)) is not available in this engine yet")
            }
        }
        if let caching = parameters.value(for: A1111Parameters.Key.caching),
           let refusal = capabilities.refusal(forCaching: CachingLevel(rawValue: caching)) {
            throw MetadataError.unavailable(path: path, keyword: keyword, key: A1111Parameters.Key.caching, reason: refusal)
        }
        let (values, guessed) = parameters.generateParameters(defaults: defaults)
        let source: String
        if let studioProblem {
            source = "\(studioProblem); read from the A1111 'parameters' chunk instead"
        } else {
            source = "no '\(Self.studioKeyword)' chunk: read from the A1111 'parameters' chunk"
        }
        return Recipe(request: JobRequest(parameters: values, seedPolicy: .fixed, count: 1),
                      notes: [source] + guessed, keyword: keyword)
    }
}
