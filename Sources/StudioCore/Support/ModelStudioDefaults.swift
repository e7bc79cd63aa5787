import DiTEngine
import Foundation

/// Per-model studio defaults from an optional `studio.json` beside the model (written by
/// `Training/export.py` for the embedded model, tuned there and documented in its model card):
/// the steps, guidance, shift, sampler and size a job gets when the user does not choose them.
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

    enum CodingKeys: String, CodingKey {
        case steps, guidance, shift, sampler, width, height, regional
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
                throw ModelStudioDefaultsError(path: url.path, reason: "is not a JSON object")
            }
            object = existing
        }
        object[key] = value
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try SafeFileWriter().write(data + Data("\n".utf8), to: url, overwrite: true)
    }

    /// The defaults in `modelDirectory/studio.json`; none when the file is absent. A file that is
    /// present but unreadable is an error naming it (a silent fallback would change images).
    public init(modelDirectory: URL) throws {
        let url = modelDirectory.appendingPathComponent(Self.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { self.init(); return }
        do {
            self = try JSONDecoder().decode(Self.self, from: InputFile.read(url, maximumBytes: 1 << 20))
        } catch let error as InputFileError {
            throw ModelStudioDefaultsError(path: url.path, reason: error.reason)
        } catch {
            throw ModelStudioDefaultsError(path: url.path, reason: StudioJSON.describe(error))
        }
        if let steps, steps < 1 { throw ModelStudioDefaultsError(path: url.path, reason: "steps must be ≥ 1") }
        if let guidance, !(guidance >= 0) { throw ModelStudioDefaultsError(path: url.path, reason: "guidance must be ≥ 0") }
        if let shift, !(shift > 0) { throw ModelStudioDefaultsError(path: url.path, reason: "shift must be > 0") }
        if let regional {
            if regional.injectSteps < 0 { throw ModelStudioDefaultsError(path: url.path, reason: "regional.inject_steps must be ≥ 0") }
            if regional.blockInterval < 1 { throw ModelStudioDefaultsError(path: url.path, reason: "regional.block_interval must be ≥ 1") }
            if !(0...1).contains(regional.baseRatio) { throw ModelStudioDefaultsError(path: url.path, reason: "regional.base_ratio must be in [0, 1]") }
        }
    }

    /// `parameters` with every setting these defaults name replaced.
    public func applied(to parameters: GenerateParameters) -> GenerateParameters {
        var p = parameters
        if let steps { p.steps = steps }
        if let guidance { p.guidance = guidance }
        if let shift { p.shift = shift }
        if let sampler { p.sampler = sampler }
        if let width { p.width = width }
        if let height { p.height = height }
        return p
    }
}

/// The regional-prompting settings a layout leaves open, per model (`"regional"` in `studio.json`).
public struct RegionalDefaults: Codable, Equatable, Sendable {
    public var baseRatio: Double
    public var injectSteps: Int
    public var blockInterval: Int

    /// Without tuning: the method's published FLUX settings scaled to a short schedule.
    public init(baseRatio: Double = 0.3, injectSteps: Int = 8, blockInterval: Int = 1) {
        self.baseRatio = baseRatio
        self.injectSteps = injectSteps
        self.blockInterval = blockInterval
    }

    enum CodingKeys: String, CodingKey {
        case baseRatio = "base_ratio"
        case injectSteps = "inject_steps"
        case blockInterval = "block_interval"
    }
}

public struct ModelStudioDefaultsError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason); fix or delete the file" }
}
