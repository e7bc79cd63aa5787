import Foundation

/// Reads one theme file:
///
/// ```toml
/// name = "dusk"                 # optional: defaults to the file name
/// description = "Dark"
/// monochrome = false            # true: terminal colours and text attributes only
/// inherits = "dusk"             # where missing colours come from (default dusk, with a warning)
/// [colors]
/// background = "#1c1e26"        # every ThemeRole: background, text, muted, accent, border,
/// text = "#d5d8e0"              # border_focused, selection, queued, running, done, failed,
/// …                             # cancelled, progress, progress_track, error, warning
/// regions = ["#f7768e", …]      # eight region colours
/// [ansi16]                      # optional: the 16-colour index to use for a role (0–15)
/// border = 8
/// ```
///
/// Bad colours and indices are errors naming file, line and key; unknown keys are warnings with a
/// "did you mean".
public struct ThemeLoader {
    /// Themes a file may inherit from, by name.
    public var bases: [String: Theme]

    public init(bases: [String: Theme] = [Theme.fallback.name: Theme.fallback]) {
        self.bases = bases
    }

    static let topKeys = ["name", "description", "monochrome", "inherits", "colors", "ansi16"]
    static let roleNames = ThemeRole.allCases.map(\.rawValue)

    public func load(contentsOf url: URL, source: ThemeSource) throws -> (Theme, [ConfigWarning]) {
        let document = try ConfigDocument(contentsOf: url)
        return (try load(document, defaultName: url.deletingPathExtension().lastPathComponent, source: source), document.warnings)
    }

    public func load(text: String, file: String, source: ThemeSource) throws -> (Theme, [ConfigWarning]) {
        let document = try ConfigDocument(file: file, text: text)
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return (try load(document, defaultName: name, source: source), document.warnings)
    }

    private func load(_ document: ConfigDocument, defaultName: String, source: ThemeSource) throws -> Theme {
        let root = document.root
        document.warnAboutUnknownKeys(in: root, known: Self.topKeys)
        let name = try document.string(root, "name") ?? defaultName
        let description = try document.string(root, "description") ?? ""
        let monochrome = try document.bool(root, "monochrome") ?? false
        let inherited = try document.string(root, "inherits")
        let baseName = inherited ?? Theme.fallback.name
        guard let base = bases[baseName] ?? (baseName == Theme.fallback.name ? Theme.fallback : nil) else {
            throw document.invalid(root, "inherits", "no theme called '\(baseName)'"
                                   + EditDistance.hint(for: baseName, among: bases.keys.sorted()))
        }

        var overrides: [ThemeRole: UInt8] = [:]
        if let table = try document.table(root, "ansi16") {
            document.warnAboutUnknownKeys(in: table, known: Self.roleNames)
            for role in ThemeRole.allCases {
                if let index = try document.integer(table, role.rawValue, in: 0...15) { overrides[role] = UInt8(index) }
            }
        }

        var colors: [ThemeRole: ThemeColor] = [:]
        var regions: [ThemeColor] = []
        var missing: [String] = []
        let table = try document.table(root, "colors") ?? ConfigTable(path: "colors", values: [:])
        document.warnAboutUnknownKeys(in: table, known: Self.roleNames + ["regions"])
        for role in ThemeRole.allCases {
            if let text = try document.string(table, role.rawValue) {
                guard let rgb = ThemeColor.parseHex(text) else {
                    throw document.invalid(table, role.rawValue, "'\(text)' is not a colour: write #rrggbb, e.g. \"#e8a157\"")
                }
                colors[role] = ThemeColor(rgb, ansi16: overrides[role])
            } else {
                missing.append(role.rawValue)
                colors[role] = overrides[role].map { ThemeColor(base[role].rgb, ansi16: $0) } ?? base[role]
            }
        }
        if let values = try document.array(table, "regions") {
            guard values.count <= Theme.regionCount else {
                throw document.invalid(table, "regions", "at most \(Theme.regionCount) colours (got \(values.count))")
            }
            for (index, value) in values.enumerated() {
                guard case let .string(text) = value, let rgb = ThemeColor.parseHex(text) else {
                    throw document.invalid(table, "regions", "colour \(index + 1) is not a colour: write #rrggbb")
                }
                regions.append(ThemeColor(rgb))
            }
        }
        if regions.count < Theme.regionCount {
            missing.append("regions \(regions.count + 1)–\(Theme.regionCount)")
            regions += base.regions[regions.count...]
        }
        if !missing.isEmpty, inherited == nil {
            document.warnAboutMissing(keys: missing, in: table, from: base.name)
        }
        return Theme(name: name, description: description, isMonochrome: monochrome, colors: colors, regions: regions, source: source)
    }
}

extension ConfigDocument {
    /// A warning that `keys` were not set and came from theme `base`.
    func warnAboutMissing(keys: [String], in table: ConfigTable, from base: String) {
        appendWarning(ConfigWarning(file: file, line: line(of: table.path), key: table.path,
                                    message: "no colour for \(keys.joined(separator: ", ")); taken from '\(base)' "
                                        + "(say `inherits = \"\(base)\"` to make that explicit)"))
    }
}
