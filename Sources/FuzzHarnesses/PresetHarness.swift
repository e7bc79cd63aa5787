import DiTEngine
import StudioCore

extension FuzzTarget {
    /// A preset file (TOML through TOMLKit), loaded as the catalog loads one, then planned for a
    /// prompt as `dit-studio run` does; warnings and errors rendered as messages.
    public static let preset = FuzzTarget(
        name: "preset",
        summary: "a preset .toml: TOMLKit parsing, preset validation, planning for a prompt",
        fuzzerOptions: leakCheckOnReplay
    ) { input in
        let (preset, warnings) = try PresetLoader().load(text: String(decoding: input, as: UTF8.self),
                                                         file: "fuzz.toml", source: .user(path: "fuzz.toml"))
        consume(warnings.map { String(describing: $0) })
        var generator = SeededGenerator(seed: 1)
        let plan = try preset.plan(prompt: "a large red circle", using: &generator)
        precondition(plan.allRequests.count == preset.effectiveOperations.reduce(0) { $0 + $1.patches.count },
                     "the plan does not have one request per operation patch")
    }
}
