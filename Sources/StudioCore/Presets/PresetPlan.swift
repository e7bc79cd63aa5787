/// A preset expanded for one prompt: the jobs each operation queues, with their seeds decided.
public struct PresetPlan: Equatable, Sendable {
    public struct Step: Equatable, Sendable {
        /// 1-based position in the script.
        public var operation: Int
        public var label: String
        public var requests: [JobRequest]
        /// Its jobs edit the previous step's first image (or the image the run was given), filled
        /// in when the step runs.
        public var editsPreviousResult: Bool = false
    }

    public var presetName: String
    public var prompt: String
    public var steps: [Step]

    /// Every request, in order (edits' sources are filled in only when they run).
    public var allRequests: [JobRequest] { steps.flatMap(\.requests) }

    /// Whether some step edits a previous result, so that a run needs an image to start from when
    /// no earlier step makes one.
    public var needsStartingImage: Bool { steps.first?.editsPreviousResult ?? false }
}

extension Preset {
    /// Expands the preset for `prompt` (nil = the preset's own prompt). The first seed is `seed`,
    /// else the preset's, else random; `increment` keeps counting across the whole script, so no
    /// two jobs of a run share a seed unless the policy is `fixed`. `overrides` go on top of
    /// every operation's settings (e.g. the command line's `--steps 2` for a quick test run).
    ///
    /// `sourcePrompt` describes the image an editing script starts from (an injection edit's
    /// source prompt when the operation does not give one); later edits' sources are the previous
    /// operation's prompt. With `fromImage`, the run edits an image it is given: the operations
    /// before the first edit (those that would draw the image) are left out.
    public func plan<Generator: RandomNumberGenerator>(prompt: String?, seed: UInt64? = nil,
                                                       overrides: SettingsPatch = SettingsPatch(),
                                                       sourcePrompt: String? = nil, fromImage: Bool = false,
                                                       using generator: inout Generator) throws -> PresetPlan {
        guard let text = prompt ?? settings.prompt, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw PresetError.missingPrompt(name: name)
        }
        var nextSeed = seed ?? settings.seed ?? SeedPolicy.randomSeed(using: &generator)
        var steps: [PresetPlan.Step] = []
        var previousPrompt = sourcePrompt ?? text
        let firstEdit = effectiveOperations.firstIndex(where: \.kind.editsPreviousResult) ?? 0
        for (index, operation) in effectiveOperations.enumerated() where !fromImage || index >= firstEdit {
            var requests: [JobRequest] = []
            // An operation's own prompt; else an edit keeps what its source shows, others use the run's.
            let operationPrompt = operation.prompt.map {
                $0.replacingOccurrences(of: PresetSettings.promptPlaceholder, with: text)
            } ?? (operation.kind.editsPreviousResult ? previousPrompt : text)
            for patch in operation.patches {
                let values = overrides.applied(to: patch.applied(to: settings))
                var label = "preset \(name)"
                if let own = operation.label { label += " · \(own)" }
                if operation.kind == .sweep, !patch.summary.isEmpty { label += " · \(patch.summary)" }
                var parameters = values.parameters(prompt: operationPrompt, seed: nextSeed)
                var kind = JobKind.generate
                switch operation.job {
                case .regional(var layout)?:
                    layout.basePrompt = parameters.prompt
                    kind = .regional(layout)
                case let .edit(.inject(source, from, target))?:
                    parameters.prompt = target.replacingOccurrences(of: PresetSettings.promptPlaceholder, with: text)
                    kind = .edit(.inject(source: source, sourcePrompt: from.isEmpty ? previousPrompt : from,
                                         targetPrompt: parameters.prompt))
                case let job?:
                    kind = job
                case nil:
                    break
                }
                requests.append(JobRequest(kind: kind, parameters: parameters, seedPolicy: values.seedPolicy,
                                           count: values.count, label: label))
                if values.seedPolicy == .increment { nextSeed &+= UInt64(values.count) }
            }
            previousPrompt = requests.first?.parameters.prompt ?? previousPrompt
            steps.append(PresetPlan.Step(operation: index + 1, label: operation.label ?? operation.kind.rawValue, requests: requests,
                                         editsPreviousResult: operation.kind.editsPreviousResult))
        }
        return PresetPlan(presetName: name, prompt: text, steps: steps)
    }
}
