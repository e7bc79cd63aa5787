import Foundation

/// Reads one preset file. Unknown keys are warnings (with a "did you mean"); invalid TOML, values
/// out of range, and operations the engine cannot run yet are errors naming file, line and key.
///
/// ```toml
/// name = "draft"                      # optional: defaults to the file name
/// description = "Quick look"
/// [settings]
/// steps = 8                           # 1…10000
/// guidance = 4.0                      # 0…100 (CFG scale)
/// shift = 1.0                         # 0.01…100
/// sampler = "euler"                   # euler | heun
/// rng = "torch"                       # torch | native
/// size = "64x64"                      # WxH
/// seed_policy = "increment"           # fixed | increment | random
/// seed = 1234                         # optional first seed (random when absent)
/// count = 1                           # images per generate operation
/// cache = "off"                      # off | fast | faster (feature caching; `caching` is accepted too)
/// prompt_template = "{prompt}"
/// prompt = "a large red circle"       # used when no prompt is given
/// negative_prompt = ""
/// model = "/path/to/model"            # optional model directory
///
/// [[operations]]                      # optional script; each acts on the previous result
/// op = "sweep"                       # generate | batch | sweep | regional | img2img | inpaint | inject | variation
/// prompt = "{prompt}, on black"      # optional: this operation's own prompt
/// parameter = "guidance"              # sweep: guidance | shift | steps | sampler
/// values = [1.0, 2.0, 4.0]
/// # any [settings] key but seed, prompt and model overrides the settings for this operation
/// ```
///
/// Regional and editing operations (each edit acts on the previous operation's first image, or on
/// the image the run was given):
///
/// ```toml
/// [[operations]]
/// op = "regional"                     # base_ratio, inject_steps, block_interval, region_emphasis, background_prompt
/// [[operations.region]]
/// box = [0.0, 0.0, 0.5, 1.0]                # or mask = "file.png", relative to the preset file
/// prompt = "a large red circle"
///
/// [[operations]]
/// op = "img2img"                      # strength (0.6), prompt
/// [[operations]]
/// op = "inpaint"                      # boxes = [[x0, y0, x1, y1], …], prompt, strength (1), feather (0)
/// [[operations]]
/// op = "inject"                       # prompt (the wanted result), source_prompt (default: the source's)
/// [[operations]]
/// op = "variation"                    # count, strength (0.35)
/// ```
///
/// An operation the engine cannot run is refused at load with a message saying so.
public struct PresetLoader {
    public var capabilities: EngineCapabilities

    public init(capabilities: EngineCapabilities = .generateOnly) {
        self.capabilities = capabilities
    }

    static let topKeys = ["name", "description", "settings", "operations"]
    static let settingKeys = ["steps", "guidance", "shift", "sampler", "rng", "size", "seed_policy", "seed", "count",
                              "cache", "caching", "prompt_template", "prompt", "negative_prompt", "model"]
    static let operationKeys = ["op", "label", "parameter", "values", "steps", "guidance", "shift", "sampler", "rng", "size",
                                "seed_policy", "count", "prompt_template", "negative_prompt", "prompt"]
    static let regionalKeys = ["base_ratio", "inject_steps", "block_interval", "region_emphasis", "background_prompt", "region"]
    static let editKeys = ["strength", "boxes", "feather", "prompt", "source_prompt"]
    static let sweepParameters = ["guidance", "shift", "steps", "sampler"]

    /// Loads the preset in `url`; `displayPath` is how messages name the file.
    public func load(contentsOf url: URL, source: PresetSource, displayPath: String? = nil) throws -> (Preset, [ConfigWarning]) {
        let document = try ConfigDocument(contentsOf: url, displayPath: displayPath)
        let preset = try load(document, defaultName: url.deletingPathExtension().lastPathComponent, source: source,
                              directory: url.deletingLastPathComponent())
        return (preset, document.warnings)
    }

    /// Loads a preset from TOML text (tests, and files already read); mask paths resolve against `directory`.
    public func load(text: String, file: String, source: PresetSource, directory: URL? = nil) throws -> (Preset, [ConfigWarning]) {
        let document = try ConfigDocument(file: file, text: text)
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return (try load(document, defaultName: name, source: source, directory: directory), document.warnings)
    }

    private func load(_ document: ConfigDocument, defaultName: String, source: PresetSource, directory: URL?) throws -> Preset {
        let root = document.root
        document.warnAboutUnknownKeys(in: root, known: Self.topKeys)
        let name = try document.string(root, "name") ?? defaultName
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw document.invalid(root, "name", "must not be empty") }
        let description = try document.string(root, "description") ?? ""

        var settings = PresetSettings.defaults
        var stated = SettingsPatch()
        if let table = try document.table(root, "settings") {
            document.warnAboutUnknownKeys(in: table, known: Self.settingKeys)
            stated = try readPatch(document, table)
            settings = stated.applied(to: settings)
            if let seed = try document.integer(table, "seed") {
                guard seed >= 0 else { throw document.invalid(table, "seed", "must be ≥ 0 (got \(seed))") }
                settings.seed = UInt64(seed)
            }
            settings.prompt = try document.string(table, "prompt")
            settings.model = try document.string(table, "model")
            let cache = try document.string(table, "cache"), caching = try document.string(table, "caching")
            if cache != nil, caching != nil {
                throw document.invalid(table, "caching", "says the same as `cache`; keep one of the two")
            }
            if let level = cache ?? caching {
                let key = cache != nil ? "cache" : "caching"
                if let problem = CachingLevel.problem(level) { throw document.invalid(table, key, problem) }
                settings.caching = CachingLevel(rawValue: level)
                if let refusal = capabilities.refusal(forCaching: settings.caching) {
                    throw document.unavailable(table, key, refusal)
                }
            }
        }

        var operations: [PresetOperation] = []
        for table in try document.tables(root, "operations") ?? [] {
            operations.append(try readOperation(document, table, directory: directory))
        }
        var preset = Preset(name: name, description: description, settings: settings, operations: operations, source: source)
        preset.statedSettings = stated
        guard preset.jobCount <= JobRequest.maximumCount else {
            throw document.invalid(root, operations.isEmpty ? "settings.count" : "operations",
                                   "the preset would make \(preset.jobCount) jobs; at most \(JobRequest.maximumCount)")
        }
        return preset
    }

    /// The settings keys a table sets (the `[settings]` table or an operation's overrides).
    private func readPatch(_ document: ConfigDocument, _ table: ConfigTable) throws -> SettingsPatch {
        var patch = SettingsPatch()
        patch.steps = try steps(document, table, "steps")
        patch.guidance = try guidance(document, table, "guidance")
        patch.shift = try shift(document, table, "shift")
        patch.sampler = try document.choice(table, "sampler", SamplerChoice.allCases.map(\.rawValue)).flatMap { SamplerChoice(rawValue: $0) }
        patch.rng = try document.choice(table, "rng", RNGChoice.allCases.map(\.rawValue)).flatMap(RNGChoice.init)
        patch.seedPolicy = try document.choice(table, "seed_policy", SeedPolicy.allCases.map(\.rawValue)).flatMap(SeedPolicy.init)
        patch.count = try document.integer(table, "count", in: 1...JobRequest.maximumCount)
        patch.negativePrompt = try document.string(table, "negative_prompt")
        if let size = try document.string(table, "size") {
            guard let parsed = Self.parseSize(size) else {
                throw document.invalid(table, "size", "'\(size)' is not a size: write WIDTHxHEIGHT, each 1 to "
                                       + "\(GenerateParameters.maximumSide), e.g. \"64x64\"")
            }
            patch.size = parsed
        }
        if let template = try document.string(table, "prompt_template") {
            guard template.contains(PresetSettings.promptPlaceholder) else {
                throw document.invalid(table, "prompt_template", "must contain \(PresetSettings.promptPlaceholder), where the prompt goes")
            }
            patch.promptTemplate = template
        }
        return patch
    }

    private func readOperation(_ document: ConfigDocument, _ table: ConfigTable, directory: URL?) throws -> PresetOperation {
        guard let name = try document.string(table, "op") else {
            throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("op"),
                                             reason: "every operation names what it does: " + PresetOperation.allNames.joined(separator: ", "))
        }
        guard let kind = PresetOperation.Kind(rawValue: name) else {
            throw document.invalid(table, "op", "unknown operation '\(name)'" + EditDistance.hint(for: name, among: PresetOperation.allNames)
                                   + "; one of " + PresetOperation.allNames.joined(separator: ", "))
        }
        if let refusal = capabilities.refusal(for: Self.representativeJob(kind)) {
            throw document.unavailable(table, "op", "\(refusal); this preset cannot run until it is")
        }
        var known = Self.operationKeys
        if kind == .regional { known += Self.regionalKeys }
        if kind.editsPreviousResult { known += Self.editKeys }
        document.warnAboutUnknownKeys(in: table, known: known)
        let label = try document.string(table, "label")
        let overrides = try readPatch(document, table)
        let prompt = try document.string(table, "prompt")
        if kind == .regional || kind.editsPreviousResult {
            try rejectSweepKeys(document, table, in: name)
            let job = kind == .regional ? try regionalJob(document, table, directory: directory) : try editJob(kind, document, table, prompt: prompt)
            return PresetOperation(kind: kind, patches: [overrides], label: label, job: job, prompt: prompt)
        }
        switch kind {
        case .generate:
            try rejectSweepKeys(document, table, in: name)
            return PresetOperation(kind: .generate, patches: [overrides], label: label, prompt: prompt)
        case .batch:
            try rejectSweepKeys(document, table, in: name)
            guard overrides.count != nil else {
                throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("count"), reason: "a batch says how many seeds to run")
            }
            return PresetOperation(kind: .batch, patches: [overrides], label: label, prompt: prompt)
        case .sweep:
            return PresetOperation(kind: .sweep, patches: try sweepPatches(document, table).map { overrides.merged(with: $0) },
                                   label: label, prompt: prompt)
        case .regional, .img2img, .inpaint, .inject, .variation:
            preconditionFailure("read above")
        }
    }

    /// A job of the kind an operation makes, for asking the engine's capabilities before reading it.
    static func representativeJob(_ kind: PresetOperation.Kind) -> JobKind {
        let source = ImageReference(path: "")
        switch kind {
        case .generate, .batch, .sweep: return .generate
        case .regional: return .regional(Layout(basePrompt: "", regions: []))
        case .img2img: return .edit(.img2img(source: source, strength: 1))
        case .inpaint: return .edit(.inpaint(source: source, boxes: []))
        case .inject: return .edit(.inject(source: source, sourcePrompt: "", targetPrompt: ""))
        case .variation: return .edit(.variation(source: source, strength: 1))
        }
    }

    /// A regional operation's layout (the base prompt is the run's prompt, filled in by the plan).
    private func regionalJob(_ document: ConfigDocument, _ table: ConfigTable, directory: URL?) throws -> JobKind {
        let ratio = try document.number(table, "base_ratio") ?? 0.3
        guard ratio.isFinite, (0...1).contains(ratio) else { throw document.invalid(table, "base_ratio", "must be between 0 and 1 (got \(ratio))") }
        let inject = try document.integer(table, "inject_steps", in: 0...10_000)
        let interval = try document.integer(table, "block_interval", in: 1...1000)
        let emphasis = try document.number(table, "region_emphasis")
        if let emphasis, let problem = Layout.emphasisProblem(emphasis) { throw document.invalid(table, "region_emphasis", problem) }
        let background = try document.string(table, "background_prompt")
        guard let tables = try document.tables(table, "region"), !tables.isEmpty else {
            throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("region"),
                                             reason: "a regional operation has [[operations.region]] tables with a box (or mask) and a prompt")
        }
        guard tables.count <= Layout.maximumRegions else {
            throw document.invalid(table, "region", "at most \(Layout.maximumRegions) regions (got \(tables.count))")
        }
        let regions = try tables.map { try LayoutFile.region(document, $0, directory: directory) }
        return .regional(Layout(basePrompt: "", baseRatio: ratio, regions: regions, injectSteps: inject, blockInterval: interval,
                                backgroundPrompt: background, regionEmphasis: emphasis))
    }

    /// An editing operation's job, its source left empty (the previous result fills it).
    private func editJob(_ kind: PresetOperation.Kind, _ document: ConfigDocument, _ table: ConfigTable, prompt: String?) throws -> JobKind {
        let source = ImageReference(path: "")
        func strength(default value: Double) throws -> Double {
            let strength = try document.number(table, "strength") ?? value
            guard strength.isFinite, strength > 0, strength <= 1 else {
                throw document.invalid(table, "strength", "must be in (0, 1] (got \(strength))")
            }
            return strength
        }
        switch kind {
        case .img2img:
            return .edit(.img2img(source: source, strength: try strength(default: 0.6)))
        case .variation:
            return .edit(.variation(source: source, strength: try strength(default: 0.35)))
        case .inpaint:
            guard let values = try document.array(table, "boxes"), !values.isEmpty else {
                throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("boxes"),
                                                 reason: "an inpaint lists the boxes to regenerate: boxes = [[x0, y0, x1, y1]]")
            }
            let boxes = try values.map { value -> RegionBox in
                guard case let .array(numbers) = value else {
                    throw document.invalid(table, "boxes", "each box is [x0, y0, x1, y1], found \(value.typeName)")
                }
                return try box(document, ConfigTable(path: table.path, values: ["boxes": .array(numbers)]), "boxes")
            }
            guard prompt != nil else {
                throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("prompt"), reason: "an inpaint says what to draw in its boxes")
            }
            let feather = try document.integer(table, "feather", in: 0...64) ?? 0
            return .edit(.inpaint(source: source, boxes: boxes, strength: try strength(default: 1), feather: feather))
        case .inject:
            guard let prompt, !prompt.isEmpty else {
                throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("prompt"), reason: "an injection edit says what the result should show")
            }
            return .edit(.inject(source: source, sourcePrompt: try document.string(table, "source_prompt") ?? "", targetPrompt: prompt))
        case .generate, .batch, .sweep, .regional:
            preconditionFailure("not an edit")
        }
    }

    /// `[x0, y0, x1, y1]` in fractions of the image, checked.
    private func box(_ document: ConfigDocument, _ table: ConfigTable, _ key: String) throws -> RegionBox {
        guard let values = try document.array(table, key) else {
            throw ConfigFileError.missingKey(file: document.file, key: table.keyPath(key), reason: "a box is [x0, y0, x1, y1]")
        }
        let numbers = try values.map { value -> Double in
            switch value {
            case let .integer(n): return Double(n)
            case let .float(x): return x
            default: throw document.invalid(table, key, "a box is four numbers [x0, y0, x1, y1], found \(value.typeName)")
            }
        }
        guard numbers.count == 4 else { throw document.invalid(table, key, "a box is four numbers [x0, y0, x1, y1] (got \(numbers.count))") }
        let box = RegionBox(x0: numbers[0], y0: numbers[1], x1: numbers[2], y1: numbers[3])
        do { try box.validate() } catch let JobError.invalidLayout(reason) { throw document.invalid(table, key, reason) }
        return box
    }

    private func rejectSweepKeys(_ document: ConfigDocument, _ table: ConfigTable, in name: String) throws {
        for key in ["parameter", "values"] where table.values[key] != nil {
            throw document.invalid(table, key, "only a sweep has '\(key)' (this operation is '\(name)')")
        }
    }

    /// One patch per value of the swept parameter.
    private func sweepPatches(_ document: ConfigDocument, _ table: ConfigTable) throws -> [SettingsPatch] {
        guard let parameter = try document.choice(table, "parameter", Self.sweepParameters) else {
            throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("parameter"),
                                             reason: "a sweep names the parameter it varies: " + Self.sweepParameters.joined(separator: ", "))
        }
        guard let values = try document.array(table, "values"), !values.isEmpty else {
            throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("values"), reason: "a sweep lists at least one value")
        }
        return try values.enumerated().map { index, value in
            // Check each value as if it were the setting itself, with its own key in messages.
            let key = "values"
            let item = ConfigTable(path: table.path, values: [parameter: value])
            var patch = SettingsPatch()
            do {
                switch parameter {
                case "guidance": patch.guidance = try guidance(document, item, parameter)
                case "shift": patch.shift = try shift(document, item, parameter)
                case "steps": patch.steps = try steps(document, item, parameter)
                default:
                    patch.sampler = try document.choice(item, parameter, SamplerChoice.allCases.map(\.rawValue)).flatMap { SamplerChoice(rawValue: $0) }
                }
            } catch let ConfigFileError.invalidValue(file, _, _, reason) {
                throw ConfigFileError.invalidValue(file: file, line: document.line(of: table.keyPath(key)),
                                                   key: table.keyPath(key), reason: "value \(index + 1): \(reason)")
            }
            return patch
        }
    }

    // MARK: - Ranges

    private func steps(_ document: ConfigDocument, _ table: ConfigTable, _ key: String) throws -> Int? {
        try document.integer(table, key, in: GenerateParameters.stepsRange)
    }

    private func guidance(_ document: ConfigDocument, _ table: ConfigTable, _ key: String) throws -> Double? {
        guard let value = try document.number(table, key) else { return nil }
        if let problem = GenerateParameters.guidanceProblem(value) { throw document.invalid(table, key, problem) }
        return value
    }

    private func shift(_ document: ConfigDocument, _ table: ConfigTable, _ key: String) throws -> Double? {
        guard let value = try document.number(table, key) else { return nil }
        if let problem = GenerateParameters.shiftProblem(value) { throw document.invalid(table, key, problem) }
        return value
    }

    /// `64x64` → (64, 64); nil unless both sides are in 1…maximumSide.
    static func parseSize(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              (1...GenerateParameters.maximumSide).contains(width), (1...GenerateParameters.maximumSide).contains(height)
        else { return nil }
        return (width, height)
    }
}
