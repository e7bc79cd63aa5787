import ArgumentParser
import Foundation
import StudioCore

/// `generate`'s regional-prompting options: regions from the command line, a layout file, or the
/// Regional Prompter extension's syntax. They build one `Layout`; the PROMPT is its base prompt.
struct RegionalOptions: ParsableArguments {
    @Option(name: .customLong("region"),
            help: ArgumentHelp("A region with its own prompt: x0,y0,x1,y1:PROMPT, the box in fractions of the image (0…1). Repeat for more regions; overlapping boxes are allowed (tokens in both see both prompts).",
                               valueName: "x0,y0,x1,y1:PROMPT"))
    var regions: [String] = []

    @Option(help: "With regions: the base prompt's share (0…1) of the image's attention (default 0.3, or the layout file's).")
    var baseRatio: Double?

    @Option(help: "With regions: how many first steps use the regional attention (default: the model's studio.json).")
    var injectSteps: Int?

    @Option(help: "With regions: the region mask applies in every N-th transformer block (default: the model's studio.json).")
    var blockInterval: Int?

    @Option(help: "With regions: how much more (e^E) an image token attends to its regions' text while the mask applies, 0…20 (default: the model's studio.json).")
    var regionEmphasis: Double?

    @Option(help: "With regions: a prompt for the area no region covers.")
    var backgroundPrompt: String?

    @Option(help: "A layout file (TOML: base_prompt, base_ratio, [[region]] tables with box or mask and prompt).",
            completion: .file(extensions: ["toml"]))
    var layout: String?

    @Option(help: "A prompt in the Regional Prompter extension's syntax (BREAK, ADDCOL, ADDROW, ADDBASE, ADDCOMM); needs --ratios.")
    var regionalPrompter: String?

    @Option(help: "Regional Prompter divide ratios, e.g. 1,1 (two columns) or 1,2,1;2,3 (rows separated by ;).")
    var ratios: String?

    var isRegional: Bool { !regions.isEmpty || layout != nil || regionalPrompter != nil }

    func validate() throws {
        let sources = [!regions.isEmpty, layout != nil, regionalPrompter != nil].filter { $0 }.count
        guard sources <= 1 else {
            throw ValidationError("give regions one way: --region …, --layout FILE or --regional-prompter …")
        }
        if regionalPrompter != nil, ratios == nil {
            throw ValidationError("--regional-prompter needs --ratios (e.g. --ratios 1,1 for two columns)")
        }
        if ratios != nil, regionalPrompter == nil {
            throw ValidationError("--ratios goes with --regional-prompter")
        }
        if !isRegional {
            for (name, given) in [("--base-ratio", baseRatio != nil), ("--inject-steps", injectSteps != nil),
                                  ("--block-interval", blockInterval != nil), ("--region-emphasis", regionEmphasis != nil),
                                  ("--background-prompt", backgroundPrompt != nil)]
            where given {
                throw ValidationError("\(name) applies to regional prompting: add --region, --layout or --regional-prompter")
            }
        }
        if let baseRatio, !(baseRatio.isFinite && (0...1).contains(baseRatio)) {
            throw ValidationError("--base-ratio must be between 0 and 1 (got \(baseRatio))")
        }
        if let injectSteps, injectSteps < 0 { throw ValidationError("--inject-steps must be 0 or more (got \(injectSteps))") }
        if let blockInterval, blockInterval < 1 { throw ValidationError("--block-interval must be at least 1 (got \(blockInterval))") }
        if let regionEmphasis, let problem = Layout.emphasisProblem(regionEmphasis) { throw ValidationError("--region-emphasis \(problem)") }
        for region in regions { _ = try Self.parseRegion(region) }
        if regions.count > Layout.maximumRegions {
            throw ValidationError("at most \(Layout.maximumRegions) regions (got \(regions.count))")
        }
    }

    /// The layout these options describe, or nil without regions. `basePrompt` is the PROMPT argument.
    /// Warnings from a layout file (unknown keys) go to `warn`.
    func makeLayout(basePrompt: String?, warn: (String) -> Void) throws -> Layout? {
        var result: Layout
        if let path = self.layout {
            let loaded: (Layout, [ConfigWarning])
            do { loaded = try LayoutFile.load(contentsOf: URL(fileURLWithPath: path), displayPath: path) }
            catch { throw CLIError.badInput("\(error)") }
            loaded.1.forEach { warn($0.description) }
            result = loaded.0
            if let basePrompt { result.basePrompt = basePrompt }
        } else if let regionalPrompter, let ratios {
            do {
                result = try RegionalPrompterSyntax.layout(prompt: regionalPrompter, ratios: ratios)
            } catch { throw CLIError.badInput("--regional-prompter: \(error)") }
            if let basePrompt { result.basePrompt = basePrompt }
        } else if !regions.isEmpty {
            guard let basePrompt else { throw CLIError.badInput("give the base PROMPT for the whole image before the --region options") }
            result = Layout(basePrompt: basePrompt, regions: try regions.map(Self.parseRegion))
        } else {
            return nil
        }
        if let baseRatio { result.baseRatio = baseRatio }
        if let injectSteps { result.injectSteps = injectSteps }
        if let blockInterval { result.blockInterval = blockInterval }
        if let regionEmphasis { result.regionEmphasis = regionEmphasis }
        if let backgroundPrompt { result.backgroundPrompt = backgroundPrompt }
        do { try result.validate() } catch { throw CLIError.badInput("\(error)") }
        return result
    }

    /// `x0,y0,x1,y1:PROMPT` → a region; errors name the option and what to write.
    static func parseRegion(_ text: String) throws -> LayoutRegion {
        guard let colon = text.firstIndex(of: ":") else {
            throw ValidationError("--region '\(text)': write x0,y0,x1,y1:PROMPT, e.g. 0,0,0.5,1:a large red circle")
        }
        guard let box = RegionBox(commaSeparated: text[..<colon]) else {
            throw ValidationError("--region '\(text)': the box must be four numbers x0,y0,x1,y1 before the ':'")
        }
        let prompt = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !prompt.isEmpty else { throw ValidationError("--region '\(text)': the prompt after ':' is empty") }
        do { try box.validate() } catch { throw ValidationError("--region '\(text)': \(error)") }
        return LayoutRegion(box: box, prompt: prompt)
    }
}
