import DiTEngine
import Foundation

/// The optional `studio.json` beside a model (written by `Training/export.py` for the embedded
/// model, tuned there and documented in its model card): the file as written. `ModelDefaults`
/// resolves it with the model's configs and the fallbacks into what a job gets.
public struct ModelStudioDefaults: Codable, Equatable, Sendable {
    public var steps: Int?
    public var guidance: Double?
    public var shift: Double?
    public var sampler: SamplerChoice?
    public var width: Int?
    public var height: Int?
    /// Regional prompting's method settings, tuned on the model.
    public var regional: RegionalDefaults?
    /// The transformer blocks attention-injection edits inject in (`dit-studio vital-layers` finds them).
    public var vitalBlocks: [Int]?
    /// What the cache levels do on this model (calibrated there); nil: uncalibrated.
    public var cache: ModelCacheDefaults?

    enum CodingKeys: String, CodingKey {
        case steps, guidance, shift, sampler, width, height, regional, cache
        case vitalBlocks = "vital_blocks"
    }

    public init(steps: Int? = nil, guidance: Double? = nil, shift: Double? = nil, sampler: SamplerChoice? = nil,
                width: Int? = nil, height: Int? = nil) {
        self.steps = steps; self.guidance = guidance; self.shift = shift; self.sampler = sampler
        self.width = width; self.height = height
    }

    public static let fileName = "studio.json"

    /// Sets `key` in `modelDirectory/studio.json` to `value`, keeping every other key as it is
    /// (the file is created when absent, and replaced atomically).
    public static func update(modelDirectory: URL, key: String, value: Any) throws {
        let url = modelDirectory.appendingPathComponent(fileName)
        var object: [String: Any] = [:]
        if FileManager.default.fileExists(atPath: url.path) {
            guard let existing = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
                throw ModelStudioDefaultsError(path: url.path, key: nil, reason: "is not a JSON object")
            }
            object = existing
        }
        object[key] = value
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try SafeFileWriter().write(data + Data("\n".utf8), to: url, overwrite: true)
    }

    /// The defaults in `modelDirectory/studio.json`; none when the file is absent. A file that is
    /// present but unreadable, or a value out of the range a job accepts, is an error naming the
    /// file and the key (a silent fallback would change images).
    public init(modelDirectory: URL) throws {
        let url = modelDirectory.appendingPathComponent(Self.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { self.init(); return }
        let data: Data
        do { data = try InputFile.read(url, maximumBytes: 1 << 20) } catch let error as InputFileError {
            throw ModelStudioDefaultsError(path: url.path, key: nil, reason: error.reason)
        }
        if let control = ForbiddenControlCharacter.first(in: [UInt8](data), syntax: .json) {
            throw ModelStudioDefaultsError(path: url.path, key: nil, reason: control.description)
        }
        guard data.withUnsafeBytes({ JSONValue.nestingDepth(of: $0) }) <= 16 else {
            throw ModelStudioDefaultsError(path: url.path, key: nil, reason: "nests arrays or objects more than 16 levels deep")
        }
        do {
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw ModelStudioDefaultsError(path: url.path, key: StudioJSON.keyPath(of: error), reason: StudioJSON.reason(error))
        }
        func check(_ key: String, _ problem: String?) throws {
            if let problem { throw ModelStudioDefaultsError(path: url.path, key: key, reason: problem) }
        }
        if let steps { try check("steps", GenerateParameters.stepsProblem(steps)) }
        if let guidance { try check("guidance", GenerateParameters.guidanceProblem(guidance)) }
        if let shift { try check("shift", GenerateParameters.shiftProblem(shift)) }
        if let width { try check("width", GenerateParameters.sideRange.contains(width) ? nil : "must be between 1 and \(GenerateParameters.maximumSide) (got \(width))") }
        if let height { try check("height", GenerateParameters.sideRange.contains(height) ? nil : "must be between 1 and \(GenerateParameters.maximumSide) (got \(height))") }
        if let regional {
            try check("regional.inject_steps", regional.injectSteps >= 0 ? nil : "must be 0 or more (got \(regional.injectSteps))")
            try check("regional.block_interval", regional.blockInterval >= 1 ? nil : "must be at least 1 (got \(regional.blockInterval))")
            try check("regional.region_emphasis", Layout.emphasisProblem(regional.regionEmphasis))
        }
        if let vitalBlocks {
            try check("vital_blocks", vitalBlocks.allSatisfy { $0 >= 0 } ? nil : "block indices must be 0 or more")
        }
        if let problem = cache?.problem() { try check("cache.\(problem.key)", problem.reason) }
    }
}

/// The regional-prompting settings a layout leaves open, per model (`"regional"` in `studio.json`).
public struct RegionalDefaults: Codable, Equatable, Sendable {
    public var injectSteps: Int
    public var blockInterval: Int
    /// How much an image token's attention scores to its regions' text are raised (0: the bare mask).
    public var regionEmphasis: Double

    /// Without tuning: the method's published FLUX settings scaled to a short schedule, no emphasis.
    public init(injectSteps: Int = 8, blockInterval: Int = 1, regionEmphasis: Double = 0) {
        self.injectSteps = injectSteps
        self.blockInterval = blockInterval
        self.regionEmphasis = regionEmphasis
    }

    /// `region_emphasis` may be left out (a model tuned before it existed): 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        injectSteps = try container.decode(Int.self, forKey: .injectSteps)
        blockInterval = try container.decode(Int.self, forKey: .blockInterval)
        regionEmphasis = try container.decodeIfPresent(Double.self, forKey: .regionEmphasis) ?? 0
    }

    enum CodingKeys: String, CodingKey {
        case injectSteps = "inject_steps"
        case blockInterval = "block_interval"
        case regionEmphasis = "region_emphasis"
    }
}

/// Why a model's studio.json was refused: the file, the key when one is at fault, and what is wrong.
public struct ModelStudioDefaultsError: Error, CustomStringConvertible, Equatable, CategorizedError {
    public var path: String
    public var key: String?
    public var reason: String

    public init(path: String, key: String?, reason: String) {
        self.path = path
        self.key = key
        self.reason = reason
    }

    public var description: String { "\(path): \(key.map { "key '\($0)': " } ?? "")\(reason); fix or delete the file" }
    public var category: ErrorCategory { .badInput }
}
