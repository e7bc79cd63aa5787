import Foundation

/// Where the studio keeps its files, following the XDG base directory rules: sessions under
/// `$XDG_DATA_HOME/dit-studio` (default `~/.local/share/dit-studio`), user presets and themes under
/// `$XDG_CONFIG_HOME/dit-studio` (default `~/.config/dit-studio`).
///
/// Built from an environment dictionary so tests and the CLI can point it anywhere.
public struct StudioPaths: Sendable, Equatable {
    /// `…/dit-studio` in the data directory.
    public var dataDirectory: URL
    /// `…/dit-studio` in the config directory.
    public var configDirectory: URL
    /// One line for each `XDG_*` variable that was set but ignored (a relative path), so that a
    /// front end can say why files are not where the user pointed.
    public private(set) var notices: [String] = []

    public init(dataDirectory: URL, configDirectory: URL) {
        self.dataDirectory = dataDirectory
        self.configDirectory = configDirectory
    }

    /// The paths the environment asks for. Empty `XDG_*` values mean the default; relative ones are
    /// ignored, as the specification says, with a notice.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = URL(fileURLWithPath: environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
                       ?? FileManager.default.homeDirectoryForCurrentUser.path, isDirectory: true)
        var notices: [String] = []
        func base(_ variable: String, default relative: String) -> URL {
            let fallback = home.appendingPathComponent(relative, isDirectory: true)
            guard let value = environment[variable], !value.isEmpty else { return fallback }
            guard value.hasPrefix("/") else {
                notices.append("$\(variable) is a relative path ('\(value)'), which the XDG Base Directory "
                               + "specification says to ignore; using \(fallback.path)")
                return fallback
            }
            return URL(fileURLWithPath: value, isDirectory: true)
        }
        dataDirectory = base("XDG_DATA_HOME", default: ".local/share").appendingPathComponent("dit-studio", isDirectory: true)
        configDirectory = base("XDG_CONFIG_HOME", default: ".config").appendingPathComponent("dit-studio", isDirectory: true)
        self.notices = notices
    }

    /// Where session directories live.
    public var sessionsDirectory: URL { dataDirectory.appendingPathComponent("sessions", isDirectory: true) }
    /// The user's own presets (`*.toml`).
    public var userPresetsDirectory: URL { configDirectory.appendingPathComponent("presets", isDirectory: true) }
    /// The user's own themes (`*.toml`).
    public var userThemesDirectory: URL { configDirectory.appendingPathComponent("themes", isDirectory: true) }
}
