import Foundation

/// A named bundle of settings and, optionally, a script of operations, loaded from a TOML file in
/// `Presets/` or the user's presets folder. A preset without a script runs one generate operation.
public struct Preset: Equatable, Sendable {
    public var name: String
    public var description: String
    public var settings: PresetSettings
    public var operations: [PresetOperation]
    public var source: PresetSource
    /// The settings keys the file states; the rest of `settings` are fallbacks until `resolved(with:)`
    /// puts a model's defaults under them. nil for a preset made in code, whose settings are whole.
    public var statedSettings: SettingsPatch?

    public init(name: String, description: String, settings: PresetSettings, operations: [PresetOperation] = [],
                source: PresetSource) {
        self.name = name
        self.description = description
        self.settings = settings
        self.operations = operations
        self.source = source
    }

    /// The preset on `defaults` (the model's, from `ModelDefaults`): what the file states wins,
    /// what it leaves open is the model's, as for `generate`.
    public func resolved(with defaults: ModelDefaults) -> Preset {
        guard let statedSettings else { return self }
        var base = defaults.presetSettings
        base.seed = settings.seed
        base.prompt = settings.prompt
        base.model = settings.model
        base.caching = settings.caching
        var copy = self
        copy.settings = statedSettings.applied(to: base)
        return copy
    }

    /// The operations that run: the script, or one plain generate.
    public var effectiveOperations: [PresetOperation] {
        operations.isEmpty ? [PresetOperation(kind: .generate, patches: [SettingsPatch()])] : operations
    }

    /// How many jobs the preset makes.
    public var jobCount: Int {
        effectiveOperations.reduce(0) { total, operation in
            total + operation.patches.reduce(0) { $0 + ($1.count ?? settings.count) }
        }
    }
}

/// Where a preset came from: shipped with the studio (`Presets/`) or the user's own
/// (`$XDG_CONFIG_HOME/dit-studio/presets/`).
public typealias PresetSource = ResourceOrigin

/// One step of a preset's script. Each operation acts on the previous one's result: generate,
/// batch, sweep and regional start from noise (the result they pass on is the settings and the
/// seed), while the editing operations take the previous operation's first image (or the image the
/// run was given) as their source. `patches` holds one settings change per group of jobs (a sweep
/// has one per value; the others have one).
public struct PresetOperation: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable, CaseIterable {
        /// Generate with the settings (and this operation's overrides).
        case generate
        /// The same over `count` seeds (variations by seed).
        case batch
        /// One generate per value of one parameter (guidance, shift, steps, sampler).
        case sweep
        /// Generate with a regional layout.
        case regional
        /// img2img from the previous result.
        case img2img
        /// Inpaint boxes of the previous result.
        case inpaint
        /// An attention-injection edit of the previous result (source prompt → this prompt).
        case inject
        /// Variations of the previous result over `count` seeds.
        case variation

        /// Whether the operation edits the previous result (and so needs one).
        public var editsPreviousResult: Bool {
            switch self {
            case .generate, .batch, .sweep, .regional: return false
            case .img2img, .inpaint, .inject, .variation: return true
            }
        }
    }

    public var kind: Kind
    public var patches: [SettingsPatch]
    public var label: String?
    /// The job of a regional or editing operation; an edit's source is filled in when it runs.
    public var job: JobKind?
    /// This operation's own prompt (`{prompt}` stands for the run's prompt); nil: the run's prompt.
    public var prompt: String?

    public init(kind: Kind, patches: [SettingsPatch], label: String? = nil, job: JobKind? = nil, prompt: String? = nil) {
        self.kind = kind
        self.patches = patches
        self.label = label
        self.job = job
        self.prompt = prompt
    }

    /// Every operation name the format knows.
    public static var allNames: [String] { Kind.allCases.map(\.rawValue) }
}
