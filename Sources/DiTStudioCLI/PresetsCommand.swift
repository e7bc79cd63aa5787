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
        let paths = StudioPaths()
        let catalog = PresetCatalog.standard(paths: paths)
        let rows = catalog.presets.map { preset in
            [preset.name, preset.source.description, String(preset.jobCount), preset.description]
        }
        print(TextTable.render(header: ["NAME", "SOURCE", "JOBS", "DESCRIPTION"], rows: rows, rightAligned: [2]), terminator: "")
        if verbose {
            for preset in catalog.presets {
                print("\n\(preset.name)  (\(preset.source.path))")
                print("  " + Self.summary(preset.settings))
                for (index, operation) in preset.effectiveOperations.enumerated() where !preset.operations.isEmpty {
                    let changes = operation.patches.map(\.summary).filter { !$0.isEmpty }
                    print("  \(index + 1). \(operation.kind.rawValue)" + (operation.label.map { " “\($0)”" } ?? "")
                          + (changes.isEmpty ? "" : ": " + changes.joined(separator: " | ")))
                }
            }
        }
        if catalog.presets.isEmpty {
            FileHandle.standardError.write(Data(("no presets found (built-in folder: "
                + (BuiltInResources.directory(named: "Presets")?.path ?? "not found") + "; yours: "
                + paths.userPresetsDirectory.path + ")\n").utf8))
        }
        for warning in catalog.warnings {
            FileHandle.standardError.write(Data("\(warning)\n".utf8))
        }
        for problem in catalog.problems {
            FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
        }
        if !catalog.problems.isEmpty { throw ExitCode(2) }
    }

    /// `steps 8 · cfg 4 · shift 1 · euler · torch · 64x64 · seeds increment from random · ×1`
    static func summary(_ settings: PresetSettings) -> String {
        var parts = ["steps \(settings.steps)", "cfg \(settings.guidance)", "shift \(settings.shift)",
                     settings.sampler.rawValue, "rng \(settings.rng.rawValue)", "\(settings.width)x\(settings.height)",
                     "seeds \(settings.seedPolicy.rawValue) from \(settings.seed.map(String.init) ?? "random")",
                     "×\(settings.count)"]
        if settings.caching != .off { parts.append("cache \(settings.caching)") }
        if settings.promptTemplate != PresetSettings.promptPlaceholder { parts.append("template “\(settings.promptTemplate)”") }
        return parts.joined(separator: " · ")
    }
}

/// Plain-text columns, padded to the widest cell (by characters).
enum TextTable {
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column in
                let cell = row[column]
                if column == row.count - 1 && !rightAligned.contains(column) { return cell }
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
