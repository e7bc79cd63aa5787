import Foundation

/// What the next job will use, as the studio's status line shows it: generation parameters (all
/// but the prompt), the seed policy and batch size, the prompt template, and which preset and
/// theme are active. The TUI edits this value; `request(prompt:)` turns it into a job.
public struct StudioSettings: Equatable, Sendable {
    /// Everything but the prompt; `parameters.seed` is the next seed.
    public var parameters: GenerateParameters
    public var seedPolicy: SeedPolicy
    /// Jobs per prompt (a batch over seeds).
    public var count: Int
    public var promptTemplate: String
    public var presetName: String?
    public var themeName: String
    /// How running jobs' steps are previewed (the studio's, not a job's: it never changes an image).
    public var previews: PreviewChoice = .auto

    public init(parameters: GenerateParameters = GenerateParameters(prompt: ""), seedPolicy: SeedPolicy = .increment,
                count: Int = 1, promptTemplate: String = PresetSettings.promptPlaceholder, presetName: String? = nil,
                themeName: String = ThemeCatalog.defaultName) {
        self.parameters = parameters
        self.seedPolicy = seedPolicy
        self.count = count
        self.promptTemplate = promptTemplate
        self.presetName = presetName
        self.themeName = themeName
    }

    /// The job for `prompt` (wrapped by the template), over `count` seeds from the next seed.
    public func request(prompt: String) -> JobRequest {
        var values = parameters
        values.prompt = promptTemplate.replacingOccurrences(of: PresetSettings.promptPlaceholder, with: prompt)
        return JobRequest(kind: .generate, parameters: values, seedPolicy: seedPolicy, count: count,
                          label: presetName.map { "preset \($0)" })
    }

    /// Moves the next seed on after a request of `count` jobs was queued: past the batch for
    /// `increment`, a fresh one for `random`, unchanged for `fixed`.
    public mutating func advanceSeed<Generator: RandomNumberGenerator>(using generator: inout Generator) {
        switch seedPolicy {
        case .fixed: break
        case .increment: parameters.seed &+= UInt64(max(1, count))
        case .random: parameters.seed = SeedPolicy.randomSeed(using: &generator)
        }
    }

    /// Takes a preset's settings (its seed only if it names one; the model only if it names one).
    public mutating func apply(_ preset: Preset) {
        let settings = preset.settings
        parameters.steps = settings.steps
        parameters.guidance = settings.guidance
        parameters.shift = settings.shift
        parameters.sampler = settings.sampler
        parameters.rng = settings.rng
        parameters.width = settings.width
        parameters.height = settings.height
        parameters.negativePrompt = settings.negativePrompt
        parameters.caching = settings.caching
        if let model = settings.model { parameters.model = model }
        if let seed = settings.seed { parameters.seed = seed }
        seedPolicy = settings.seedPolicy
        count = settings.count
        promptTemplate = settings.promptTemplate
        presetName = preset.name
    }

    /// `steps 20 · cfg 4.0 · shift 1.0 · euler · seed 1234 (+1) · 64×64 · cache off · preset final · theme dusk`
    public var statusLine: String {
        let seed: String
        switch seedPolicy {
        case .fixed: seed = "seed \(parameters.seed) (fixed)"
        case .increment: seed = "seed \(parameters.seed) (+\(max(1, count)))"
        case .random: seed = "seed \(parameters.seed) (random)"
        }
        var parts = ["steps \(parameters.steps)", "cfg " + String(format: "%.1f", parameters.guidance),
                     "shift " + String(format: "%.1f", parameters.shift), parameters.sampler.rawValue, seed,
                     "\(parameters.width)×\(parameters.height)"]
        if count > 1 { parts.append("×\(count)") }
        if !parameters.negativePrompt.isEmpty {
            let text = TerminalText.line(parameters.negativePrompt)
            parts.append("not “" + (text.count > 24 ? String(text.prefix(23)) + "…" : text) + "”")
        }
        parts.append(parameters.caching == .off ? "cache off" : "cache \(parameters.caching)")
        if parameters.rng != .torch { parts.append("rng \(parameters.rng.rawValue)") }
        if let presetName { parts.append("preset \(presetName)") }
        parts.append("theme \(themeName)")
        return parts.joined(separator: " · ")
    }
}
