import DiTEngine
import Foundation

/// The themes on offer: built-in (`Themes/` in the repository) and the user's
/// (`$XDG_CONFIG_HOME/dit-studio/themes/`), which may inherit from built-in ones and replace
/// them by name. Refused files and warnings are kept for listings.
public struct ThemeCatalog: Sendable {
    public var themes: [Theme]
    public var problems: [ConfigFileError]
    public var warnings: [ConfigWarning]

    public static let defaultName = "dusk"
    /// The theme `NO_COLOR` selects.
    public static let noColorName = "mono"

    public static func load(builtIn: URL?, user: URL?) -> ThemeCatalog {
        var catalog = ThemeCatalog(themes: [], problems: [], warnings: [])
        for (directory, isUser) in [(builtIn, false), (user, true)] {
            guard let directory else { continue }
            let bases = Dictionary(catalog.themes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let loader = ThemeLoader(bases: bases.isEmpty ? [Theme.fallback.name: Theme.fallback] : bases)
            for url in PresetCatalog.tomlFiles(in: directory) {
                do {
                    let (theme, warnings) = try loader.load(contentsOf: url, source: isUser ? .user(path: url.path) : .builtIn(path: url.path))
                    catalog.warnings += warnings
                    if let index = catalog.themes.firstIndex(where: { $0.name == theme.name }) {
                        catalog.themes[index] = theme
                    } else {
                        catalog.themes.append(theme)
                    }
                } catch let error as ConfigFileError {
                    catalog.problems.append(error)
                } catch {
                    catalog.problems.append(.unreadable(file: url.path, reason: "\(error)"))
                }
            }
        }
        catalog.themes.sort { $0.name < $1.name }
        return catalog
    }

    public static func standard(paths: StudioPaths = StudioPaths()) -> ThemeCatalog {
        load(builtIn: BuiltInResources.directory(named: "Themes"), user: paths.userThemesDirectory)
    }

    /// The theme to use: the one asked for by name; else `mono` when `NO_COLOR` is set (an explicit
    /// choice wins over the environment, as the NO_COLOR convention allows); else dusk. Falls
    /// back to the built-in dusk when no theme file was found.
    public func select(requested: String?, environment: [String: String]) throws -> Theme {
        if let requested {
            if let theme = themes.first(where: { $0.name == requested }) { return theme }
            throw ThemeError.unknownTheme(name: requested, suggestion: EditDistance.suggestion(for: requested, among: themes.map(\.name)),
                                          available: themes.map(\.name))
        }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty,
           let mono = themes.first(where: { $0.name == Self.noColorName }) {
            return mono
        }
        return themes.first { $0.name == Self.defaultName } ?? Theme.fallback
    }
}

/// Why a theme could not be chosen.
public enum ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownTheme(name: String, suggestion: String?, available: [String])

    public var description: String {
        switch self {
        case let .unknownTheme(name, suggestion, available):
            return "no theme called '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                + "; available: " + (available.isEmpty ? "none" : available.joined(separator: ", "))
        }
    }
}

extension ThemeError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .unknownTheme: return .badInput
        }
    }
}
