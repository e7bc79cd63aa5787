import Foundation

/// Every preset the studio can offer: the built-in ones (the repository's `Presets/`) and the
/// user's (`$XDG_CONFIG_HOME/dit-studio/presets/`), with the files that were refused and the
/// warnings, so that a listing can show all three. A user preset with a built-in one's name
/// takes its place.
public struct PresetCatalog: Sendable {
    public var presets: [Preset]
    /// Files that could not be loaded, with why.
    public var problems: [ConfigFileError]
    public var warnings: [ConfigWarning]

    public init(presets: [Preset] = [], problems: [ConfigFileError] = [], warnings: [ConfigWarning] = []) {
        self.presets = presets
        self.problems = problems
        self.warnings = warnings
    }

    /// Loads `*.toml` from both folders (either may be nil or missing), in name order.
    public static func load(builtIn: URL?, user: URL?, capabilities: EngineCapabilities = .generateOnly) -> PresetCatalog {
        var catalog = PresetCatalog()
        let loader = PresetLoader(capabilities: capabilities)
        for (directory, isUser) in [(builtIn, false), (user, true)] {
            guard let directory else { continue }
            for url in Self.tomlFiles(in: directory) {
                let source: PresetSource = isUser ? .user(path: url.path) : .builtIn(path: url.path)
                do {
                    let (preset, warnings) = try loader.load(contentsOf: url, source: source)
                    catalog.warnings += warnings
                    if let index = catalog.presets.firstIndex(where: { $0.name == preset.name }) {
                        if case .user = catalog.presets[index].source, !isUser { continue }
                        if case .user = catalog.presets[index].source, isUser {
                            catalog.warnings.append(ConfigWarning(file: url.path, line: nil, key: "name",
                                message: "another user preset is called '\(preset.name)' (\(catalog.presets[index].source.path)); this one is ignored"))
                            continue
                        }
                        catalog.presets[index] = preset  // a user preset replaces the built-in one
                    } else {
                        catalog.presets.append(preset)
                    }
                } catch let error as ConfigFileError {
                    catalog.problems.append(error)
                } catch {
                    catalog.problems.append(.unreadable(file: url.path, reason: "\(error)"))
                }
            }
        }
        catalog.presets.sort { $0.name < $1.name }
        return catalog
    }

    /// The standard folders: built-in presets found by `BuiltInResources`, user presets from `paths`.
    public static func standard(paths: StudioPaths = StudioPaths(), capabilities: EngineCapabilities = .generateOnly) -> PresetCatalog {
        load(builtIn: BuiltInResources.directory(named: "Presets"), user: paths.userPresetsDirectory, capabilities: capabilities)
    }

    /// The preset called `name`; a near miss is suggested in the error.
    public func preset(named name: String) throws -> Preset {
        if let preset = presets.first(where: { $0.name == name }) { return preset }
        if let problem = problems.first(where: { URL(fileURLWithPath: $0.file).deletingPathExtension().lastPathComponent == name }) {
            throw PresetError.refused(name: name, problem: problem)
        }
        throw PresetError.unknownPreset(name: name, suggestion: EditDistance.suggestion(for: name, among: presets.map(\.name)),
                                        available: presets.map(\.name))
    }

    static func tomlFiles(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".toml") && !$0.hasPrefix(".") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }
}
