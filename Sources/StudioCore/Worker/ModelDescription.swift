/// What the engine says about the model it loaded: a name for metadata and the queue's header,
/// where it came from, and the size rules a job must follow.
public struct ModelDescription: Codable, Hashable, Sendable {
    /// Short name, e.g. `shapes-mmdit` (A1111's `Model:`).
    public var name: String
    /// The model directory, when it came from one.
    public var path: String?
    /// A fingerprint of the weights (e.g. a hash), when the engine computes one (`Model hash:`).
    public var fingerprint: String?
    /// Width and height must be positive multiples of this (patch size × VAE factor).
    public var sizeMultiple: Int
    /// The largest width or height, when the model has a limit.
    public var maxSide: Int?
    /// What the user should know about the loaded model that does not stop it working (e.g. an
    /// unusable preview map); shown once when it loads. Not recorded in metadata or journals.
    public var notices: [String] = []

    public init(name: String, path: String? = nil, fingerprint: String? = nil, sizeMultiple: Int = 1, maxSide: Int? = nil) {
        self.name = name
        self.path = path
        self.fingerprint = fingerprint
        self.sizeMultiple = max(1, sizeMultiple)
        self.maxSide = maxSide
    }

    enum CodingKeys: String, CodingKey {
        case name, path, fingerprint
        case sizeMultiple = "size_multiple"
        case maxSide = "max_side"
    }

    /// Reads a record (image metadata, a journal) by the rule `init` enforces: a size multiple below
    /// 1 is refused, since `validateSize` divides by it.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let sizeMultiple = try container.decode(Int.self, forKey: .sizeMultiple)
        guard sizeMultiple >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .sizeMultiple, in: container,
                                                   debugDescription: "size_multiple must be at least 1, got \(sizeMultiple)")
        }
        self.init(name: try container.decode(String.self, forKey: .name),
                  path: try container.decodeIfPresent(String.self, forKey: .path),
                  fingerprint: try container.decodeIfPresent(String.self, forKey: .fingerprint),
                  sizeMultiple: sizeMultiple,
                  maxSide: try container.decodeIfPresent(Int.self, forKey: .maxSide))
    }

    /// Throws `JobError.invalidParameter(key: "size")` when the model cannot take `width × height`.
    public func validateSize(width: Int, height: Int) throws {
        guard width >= sizeMultiple, height >= sizeMultiple, width % sizeMultiple == 0, height % sizeMultiple == 0 else {
            throw JobError.invalidParameter(
                key: "size", reason: "\(width)x\(height) does not fit model \(name): width and height must be "
                    + "positive multiples of \(sizeMultiple)")
        }
        if let maxSide, width > maxSide || height > maxSide {
            throw JobError.invalidParameter(
                key: "size", reason: "\(width)x\(height) is too large for model \(name): at most \(maxSide)x\(maxSide)")
        }
    }
}
