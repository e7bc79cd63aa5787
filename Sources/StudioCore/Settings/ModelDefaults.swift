import DiTEngine
import Foundation

/// A model's generation defaults, resolved in one place for `generate`, `run`, `edit`, `evaluate`
/// and the studio, so that the same model gives the same image whichever of them asks: the model's
/// `studio.json` first, then the model's own files (the scheduler's `shift`, the transformer's
/// `sample_size` × the VAE factor, as diffusers' pipeline defaults), then the built-in fallbacks.
/// Each value keeps where it was found, so that a value found wrong is reported against its file
/// and key.
public struct ModelDefaults: Equatable, Sendable {
    /// Where a default came from.
    public enum Origin: Equatable, Sendable {
        /// The studio's own fallback (`ModelDefaults.builtIn`).
        case builtIn
        /// A key of the model's `studio.json` (named like the parameter; `width`/`height` for the size).
        case studioJSON(path: String)
        /// A key of another file of the model directory.
        case modelFile(path: String, key: String)
    }

    /// Steps, guidance, shift, sampler, rng and size; an empty prompt, seed 0, the model unset.
    public var parameters: GenerateParameters
    /// By the parameter names `GenerateParameters.validate` uses: steps, guidance, shift, sampler, size.
    public var origins: [String: Origin]
    /// Regional prompting's method settings a layout leaves open.
    public var regional: RegionalDefaults
    /// The blocks attention-injection edits inject in; nil when the model has none stored.
    public var vitalBlocks: [Int]?
    /// What the cache levels do on this model (calibrated in its studio.json); nil: uncalibrated.
    public var cache: ModelCacheDefaults?

    /// The fallbacks, used for whatever neither studio.json nor the model's files say: SD3's
    /// scheduler shift (3), diffusers' 128 latent cells when a transformer config has no
    /// `sample_size`, and 64×64 only where no model is read at all (tests, fakes).
    public static let builtIn = ModelDefaults(
        parameters: GenerateParameters(prompt: "", steps: 20, guidance: 4, shift: 3, sampler: .euler, rng: .torch,
                                       width: 64, height: 64),
        origins: Dictionary(uniqueKeysWithValues: parameterNames.map { ($0, Origin.builtIn) }),
        regional: RegionalDefaults(), vitalBlocks: nil)

    /// diffusers' default `sample_size` of an SD3 transformer, in latent cells.
    public static let builtInSampleSize = 128

    static let parameterNames = ["steps", "guidance", "shift", "sampler", "size"]

    public init(parameters: GenerateParameters, origins: [String: Origin], regional: RegionalDefaults, vitalBlocks: [Int]?) {
        self.parameters = parameters
        self.origins = origins
        self.regional = regional
        self.vitalBlocks = vitalBlocks
    }

    /// Reads the defaults of the model in `modelDirectory` (configs and studio.json only, no
    /// weights). An unreadable file, or a value out of range, is an error naming the file and key.
    public init(modelDirectory: URL) throws {
        self = Self.builtIn
        let scheduler = modelDirectory.appendingPathComponent("scheduler/scheduler_config.json")
        if FileManager.default.fileExists(atPath: scheduler.path) {
            let config = try ModelConfig(contentsOf: scheduler, name: scheduler.path)
            if config.has("shift") {
                _ = try config.float("shift")  // a finite number, or an error naming the file and key
                // As a double, as diffusers reads it (float32 rounding would show in messages).
                if let shift = config.values["shift"]?.doubleValue {
                    set("shift", .modelFile(path: scheduler.path, key: "shift")) { $0.shift = shift }
                }
            }
        }
        let layout = try ModelDirectory(url: modelDirectory)
        let transformerPath = layout.transformerConfigURL.path
        let transformer = try ModelConfig(contentsOf: layout.transformerConfigURL, name: transformerPath)
        let geometry = try ImageGeometry(modelDirectory: modelDirectory)
        let side = try transformer.int("sample_size", default: Self.builtInSampleSize) * geometry.downsamplingFactor
        set("size", .modelFile(path: transformerPath, key: "sample_size")) { ($0.width, $0.height) = (side, side) }

        let studio = try ModelStudioDefaults(modelDirectory: modelDirectory)
        let origin = Origin.studioJSON(path: modelDirectory.appendingPathComponent(ModelStudioDefaults.fileName).path)
        if let steps = studio.steps { set("steps", origin) { $0.steps = steps } }
        if let guidance = studio.guidance { set("guidance", origin) { $0.guidance = guidance } }
        if let shift = studio.shift { set("shift", origin) { $0.shift = shift } }
        if let sampler = studio.sampler { set("sampler", origin) { $0.sampler = sampler } }
        if let width = studio.width { set("size", origin) { $0.width = width } }
        if let height = studio.height { set("size", origin) { $0.height = height } }
        if let regional = studio.regional { self.regional = regional }
        vitalBlocks = studio.vitalBlocks
        cache = studio.cache
    }

    /// The defaults of `directory`, else of the default model (nil).
    public init(model directory: String?) throws {
        try self.init(modelDirectory: directory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? DefaultModel.directory())
    }

    private mutating func set(_ name: String, _ origin: Origin, _ change: (inout GenerateParameters) -> Void) {
        change(&parameters)
        origins[name] = origin
    }

    /// The parameters of a job for `prompt` with `seed` on these defaults.
    public func parameters(prompt: String, seed: UInt64 = 0, model: String? = nil) -> GenerateParameters {
        var p = parameters
        p.prompt = prompt
        p.seed = seed
        p.model = model
        return p
    }

    /// The settings a preset starts from before its own keys: these defaults, and the preset
    /// fallbacks for what a model does not decide (seed policy, count, template).
    public var presetSettings: PresetSettings {
        let p = parameters
        return PresetSettings(steps: p.steps, guidance: p.guidance, shift: p.shift, sampler: p.sampler, rng: p.rng,
                              width: p.width, height: p.height)
    }

    /// The error for a default of `parameter` found wrong (`reason`), against the file and key it came from.
    public func error(for parameter: String, reason: String) -> Error {
        switch origins[parameter] ?? .builtIn {
        case .builtIn:
            return JobError.invalidParameter(key: parameter, reason: reason)
        case let .studioJSON(path):
            return ModelStudioDefaultsError(path: path, key: parameter == "size" ? "width/height" : parameter, reason: reason)
        case let .modelFile(path, key):
            return EngineError.invalidConfig(file: path, key: key, reason: reason)
        }
    }
}
