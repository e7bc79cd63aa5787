import Foundation

/// A named bundle of settings and, optionally, a script of operations, loaded from a TOML file in
/// `Presets/` or the user's presets folder. A preset without a script runs one generate operation.
public struct Preset: Equatable, Sendable {
    public var name: String
    public var description: String
    public var settings: PresetSettings
    public var operations: [PresetOperation]
    public var source: PresetSource

    public init(name: String, description: String, settings: PresetSettings, operations: [PresetOperation] = [],
                source: PresetSource) {
        self.name = name
        self.description = description
        self.settings = settings
        self.operations = operations
        self.source = source
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

/// One step of a preset's script. Each operation acts on the previous one's result; for the
/// operations available today (generate, batch, sweep) that result is only the settings, since
/// they all start from noise. `patches` holds one settings change per group of jobs (a sweep has
/// one per value; generate and batch have one).
public struct PresetOperation: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable, CaseIterable {
        /// Generate with the settings (and this operation's overrides).
        case generate
        /// The same over `count` seeds (variations by seed).
        case batch
        /// One generate per value of one parameter (guidance, shift, steps, sampler).
        case sweep
    }

    public var kind: Kind
    public var patches: [SettingsPatch]
    public var label: String?

    public init(kind: Kind, patches: [SettingsPatch], label: String? = nil) {
        self.kind = kind
        self.patches = patches
        self.label = label
    }

    /// Operations the format names for later issues; a preset using one is refused at load until
    /// the engine can run it. Each maps to what it needs.
    public static let futureOperations: [String: JobKind] = [
        "regional": .regional(Layout(basePrompt: "", regions: [])),
        "img2img": .edit(.img2img(source: ImageReference(path: ""), strength: 1)),
        "inpaint": .edit(.inpaint(source: ImageReference(path: ""), boxes: [])),
        "inject": .edit(.inject(source: ImageReference(path: ""), sourcePrompt: "", targetPrompt: "")),
        "variation": .edit(.variation(source: ImageReference(path: ""), strength: 1)),
    ]

    /// Every operation name the format knows.
    public static var allNames: [String] { Kind.allCases.map(\.rawValue) + futureOperations.keys.sorted() }
}
