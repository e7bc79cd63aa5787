import Foundation

/// Between a job and the `parameters` chunk: writing one for every saved image, and reading one
/// (from our images or another tool's) back into parameters as far as it goes.
extension A1111Parameters {
    /// The keys this studio writes beyond A1111's own (Shift, RNG, layout and edit keys).
    public enum Key {
        public static let steps = "Steps", sampler = "Sampler", cfgScale = "CFG scale", seed = "Seed"
        public static let size = "Size", model = "Model", modelHash = "Model hash", shift = "Shift", rng = "RNG"
        public static let caching = "Caching", version = "Version"
        public static let layoutBaseRatio = "Layout base ratio", layoutRegions = "Layout regions"
        public static let edit = "Edit", editSource = "Edit source", denoisingStrength = "Denoising strength"
        public static let inpaintBoxes = "Inpaint boxes", inpaintMask = "Inpaint mask", maskBlur = "Mask blur"
        public static let sourcePrompt = "Edit source prompt", targetPrompt = "Edit target prompt"
    }

    /// The chunk for an image made by `kind` with `parameters` on `model`.
    public init(kind: JobKind, parameters: GenerateParameters, model: ModelDescription?) {
        var fields: [Field] = [
            Field(Key.steps, String(parameters.steps)),
            Field(Key.sampler, parameters.sampler.displayName),
            Field(Key.cfgScale, Self.format(parameters.guidance)),
            Field(Key.seed, String(parameters.seed)),
            Field(Key.size, parameters.sizeDescription),
        ]
        if let fingerprint = model?.fingerprint { fields.append(Field(Key.modelHash, fingerprint)) }
        fields.append(Field(Key.model, model?.name ?? parameters.model.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "default"))
        fields.append(Field(Key.shift, Self.format(parameters.shift)))
        fields.append(Field(Key.rng, parameters.rng.rawValue))
        if parameters.caching != .off { fields.append(Field(Key.caching, parameters.caching.rawValue)) }
        var prompt = parameters.prompt
        switch kind {
        case .generate:
            break
        case let .regional(layout):
            prompt = layout.basePrompt
            fields.append(Field(Key.layoutBaseRatio, Self.format(layout.baseRatio)))
            fields.append(Field(Key.layoutRegions, layout.regions.map { "\($0.box): \($0.prompt)" }.joined(separator: "; ")))
        case let .edit(operation):
            fields.append(Field(Key.edit, operation.mode.rawValue))
            fields.append(Field(Key.editSource, operation.source.path))
            switch operation {
            case let .img2img(_, strength), let .variation(_, strength):
                fields.append(Field(Key.denoisingStrength, Self.format(strength)))
            case let .inpaint(_, boxes, mask, strength, feather):
                if !boxes.isEmpty { fields.append(Field(Key.inpaintBoxes, boxes.map(\.description).joined(separator: "; "))) }
                if let mask { fields.append(Field(Key.inpaintMask, mask)) }
                fields.append(Field(Key.denoisingStrength, Self.format(strength)))
                if feather != 0 { fields.append(Field(Key.maskBlur, "\(feather)")) }
            case let .inject(_, sourcePrompt, targetPrompt):
                fields.append(Field(Key.sourcePrompt, sourcePrompt))
                fields.append(Field(Key.targetPrompt, targetPrompt))
            }
        }
        fields.append(Field(Key.version, "dit-studio"))
        self.init(prompt: prompt, negativePrompt: parameters.negativePrompt, fields: fields)
    }

    /// Parameters read from this chunk, starting from `defaults` for whatever it does not say,
    /// with a note for every value that could not be used (a sampler this studio lacks, a size
    /// that does not parse…). Keys it does not know are left alone (they stay in `fields`).
    public func generateParameters(defaults: GenerateParameters) -> (parameters: GenerateParameters, notes: [String]) {
        var parameters = defaults
        var notes: [String] = []
        parameters.prompt = prompt
        parameters.negativePrompt = negativePrompt
        func read<T>(_ key: String, _ value: T?, apply: (T) -> Void) {
            guard let raw = self.value(for: key) else { return }
            if let value { apply(value) } else { notes.append("'\(key): \(raw)' is not understood; using \(key.lowercased()) from the defaults") }
        }
        read(Key.steps, steps) { parameters.steps = $0 }
        read(Key.cfgScale, cfgScale) { parameters.guidance = $0 }
        read(Key.seed, seed) { parameters.seed = $0 }
        read(Key.shift, shift) { parameters.shift = $0 }
        read(Key.size, size) { parameters.width = $0.width; parameters.height = $0.height }
        if let name = sampler {
            if let choice = SamplerChoice(displayName: name) {
                parameters.sampler = choice
            } else {
                notes.append("sampler '\(name)' is not available here; using \(parameters.sampler.displayName)")
            }
        }
        if let name = rng {
            if let choice = RNGChoice(rawValue: name.lowercased()) {
                parameters.rng = choice
            } else {
                notes.append("RNG '\(name)' is not available here; using \(parameters.rng.rawValue)")
            }
        }
        // Refused earlier when the engine lacks the level (`ImageMetadata.jobRequest`); absent = off.
        parameters.caching = value(for: Key.caching).map { CachingLevel(rawValue: $0) } ?? .off
        if value(for: Key.seed) == nil { notes.append("no seed recorded; using \(parameters.seed)") }
        return (parameters, notes)
    }

    /// `4` for whole numbers, `4.5` otherwise (as A1111 writes CFG scale).
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
