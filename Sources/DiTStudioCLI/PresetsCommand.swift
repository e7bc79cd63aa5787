import ArgumentParser
import Foundation
import StudioCore

/// `dit-studio presets`: the presets on offer, built-in and the user's, with what each does.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the presets: built-in ones and yours ($XDG_CONFIG_HOME/dit-studio/presets/*.toml).",
        discussion: """
            A user preset with a built-in preset's name replaces it. Files that cannot be used are \
            listed on standard error with the file, line and key at fault, and the exit status is 2.
            """
    )

    @Flag(name: .long, help: "Also show each preset's settings and operations.")
    var verbose = false

    func run() throws {
        let paths = StudioPaths.announced()
        let catalog = PresetCatalog.standard(paths: paths, capabilities: DiTGenerationEngine.capabilities)
        let rows = catalog.presets.map { preset in
            [preset.name, preset.source.description, String(preset.jobCount), preset.description]
        }
        print(TextTable.render(header: ["NAME", "SOURCE", "JOBS", "DESCRIPTION"], rows: rows, rightAligned: [2]), terminator: "")
        if verbose {
            for preset in catalog.presets {
                print("\n\(TerminalText.line(preset.name))  (\(TerminalText.line(preset.source.path)))")
                print("  " + Self.summary(preset.settings))
                for (index, operation) in preset.effectiveOperations.enumerated() where !preset.operations.isEmpty {
                    let changes = operation.patches.map(\.summary).filter { !$0.isEmpty }
                    print("  \(index + 1). \(operation.kind.rawValue)" + (operation.label.map { " “\(TerminalText.line($0))”" } ?? "")
                          + (changes.isEmpty ? "" : ": " + changes.joined(separator: " | ")))
                }
            }
        }
        if catalog.presets.isEmpty {
            Console.error("no presets found (built-in folder: "
                + (BuiltInResources.directory(named: "Presets")?.path ?? "not found") + "; yours: "
                + paths.userPresetsDirectory.path + ")")
        }
        for warning in catalog.warnings { Console.error("\(warning)") }
        for problem in catalog.problems { Console.error("error: \(problem)") }
        if !catalog.problems.isEmpty { throw ExitCode(ExitStatus.badInput) }
    }

    /// `steps 8 · cfg 4 · shift 1 · euler · torch · 64x64 · seeds increment from random · ×1`
    static func summary(_ settings: PresetSettings) -> String {
        var parts = ["steps \(settings.steps)", "cfg \(settings.guidance)", "shift \(settings.shift)",
                     settings.sampler.rawValue, "rng \(settings.rng.rawValue)", "\(settings.width)x\(settings.height)",
                     "seeds \(settings.seedPolicy.rawValue) from \(settings.seed.map(String.init) ?? "random")",
                     "×\(settings.count)"]
        if settings.caching != .off { parts.append("cache \(settings.caching)") }
        if settings.promptTemplate != PresetSettings.promptPlaceholder {
            parts.append("template “\(TerminalText.line(settings.promptTemplate))”")
        }
        return parts.joined(separator: " · ")
    }
}

