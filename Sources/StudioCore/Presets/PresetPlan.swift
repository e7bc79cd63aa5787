/// A preset expanded for one prompt: the jobs each operation queues, with their seeds decided.
public struct PresetPlan: Equatable, Sendable {
    public struct Step: Equatable, Sendable {
        /// 1-based position in the script.
        public var operation: Int
        public var label: String
        public var requests: [JobRequest]
    }

    public var presetName: String
    public var prompt: String
    public var steps: [Step]

    /// Every request, in order (the TUI queues them all at once: today's operations do not need
    /// the previous one's images).
    public var allRequests: [JobRequest] { steps.flatMap(\.requests) }
}

extension Preset {
    /// Expands the preset for `prompt` (nil = the preset's own prompt). The first seed is `seed`,
    /// else the preset's, else random; `increment` keeps counting across the whole script, so no
    /// two jobs of a run share a seed unless the policy is `fixed`. `overrides` go on top of
    /// every operation's settings (e.g. the command line's `--steps 2` for a quick test run).
    public func plan<Generator: RandomNumberGenerator>(prompt: String?, seed: UInt64? = nil,
                                                       overrides: SettingsPatch = SettingsPatch(),
                                                       using generator: inout Generator) throws -> PresetPlan {
        guard let text = prompt ?? settings.prompt, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw PresetError.missingPrompt(name: name)
        }
        var nextSeed = seed ?? settings.seed ?? SeedPolicy.randomSeed(using: &generator)
        var steps: [PresetPlan.Step] = []
        for (index, operation) in effectiveOperations.enumerated() {
            var requests: [JobRequest] = []
            for patch in operation.patches {
                let values = overrides.applied(to: patch.applied(to: settings))
                var label = "preset \(name)"
                if let own = operation.label { label += " · \(own)" }
                if operation.kind == .sweep, !patch.summary.isEmpty { label += " · \(patch.summary)" }
                requests.append(JobRequest(kind: .generate, parameters: values.parameters(prompt: text, seed: nextSeed),
                                           seedPolicy: values.seedPolicy, count: values.count, label: label))
                if values.seedPolicy == .increment { nextSeed &+= UInt64(values.count) }
            }
            steps.append(PresetPlan.Step(operation: index + 1, label: operation.label ?? operation.kind.rawValue, requests: requests))
        }
        return PresetPlan(presetName: name, prompt: text, steps: steps)
    }
}
