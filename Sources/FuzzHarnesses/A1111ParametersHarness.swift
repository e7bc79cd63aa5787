import StudioCore

extension FuzzTarget {
    /// The A1111 `parameters` text chunk (another tool's or ours): parsed, turned into parameters,
    /// written back and parsed again. Never refuses: what it cannot read becomes notes.
    public static let a1111Parameters = FuzzTarget(
        name: "a1111-parameters",
        summary: "the A1111 'parameters' text: parse, read into job parameters, write and parse again"
    ) { input in
        let parsed = A1111Parameters.parse(String(decoding: input, as: UTF8.self))
        consume(parsed.generateParameters(defaults: GenerateParameters(prompt: "")))
        consume((parsed.steps, parsed.cfgScale, parsed.seed, parsed.shift, parsed.size, parsed.model, parsed.rng))
        consume(A1111Parameters.parse(parsed.text))
    }
}
