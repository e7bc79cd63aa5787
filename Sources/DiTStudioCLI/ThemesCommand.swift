import ArgumentParser
import Foundation
import StudioCore

/// `dit-studio themes`: the colour themes on offer, with a swatch of each on a colour terminal.
struct ThemesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "List the colour themes: built-in ones and yours ($XDG_CONFIG_HOME/dit-studio/themes/*.toml).",
        discussion: """
            The studio uses dusk unless told otherwise; NO_COLOR selects mono. On a colour terminal \
            each theme shows a swatch of its state and region colours (in as many colours as the \
            terminal has). Files that cannot be used are listed on standard error with the file, \
            line and key at fault, and the exit status is 2.
            """
    )

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let catalog = ThemeCatalog.standard(paths: StudioPaths.announced(environment: environment))
        let active = try? catalog.select(requested: nil, environment: environment)
        let mode: ColorMode = isatty(STDOUT_FILENO) == 1 ? ColorMode.detect(environment: environment) : .monochrome
        let rows = catalog.themes.map { theme in
            [(theme.name == active?.name ? "* " : "  ") + theme.name, theme.source.description, theme.description]
        }
        // The swatches are escape sequences this program makes; every cell is sanitised by TextTable.
        Console.writeTrusted(TextTable.render(header: ["  NAME", "SOURCE", "DESCRIPTION"], rows: rows,
                                              decorations: catalog.themes.map { Self.swatch($0, mode: mode) }))
        for warning in catalog.warnings { Console.error("\(warning)") }
        for problem in catalog.problems { Console.error("error: \(problem)") }
        if !catalog.problems.isEmpty { throw ExitCode(ExitStatus.badInput) }
    }

    /// Blocks in the theme's state and region colours on its background, then a space; empty
    /// when the terminal (or the theme) has no colour. Escape sequences take no columns, so the
    /// table stays aligned.
    static func swatch(_ theme: Theme, mode: ColorMode) -> String {
        guard mode != .monochrome, !theme.isMonochrome else { return "" }
        let roles: [ThemeRole] = [.accent, .queued, .running, .done, .failed]
        let colors = roles.map { theme[$0] } + theme.regions
        let background = sequence(theme[.background], mode: mode, foreground: false)
        return background + colors.map { sequence($0, mode: mode, foreground: true) + "█" }.joined() + "\u{1B}[0m "
    }

    static func sequence(_ color: ThemeColor, mode: ColorMode, foreground: Bool) -> String {
        switch color.cellColor(for: mode) {
        case let .rgb(rgb): return "\u{1B}[\(foreground ? 38 : 48);2;\(rgb.red);\(rgb.green);\(rgb.blue)m"
        case let .indexed(index) where index < 16:
            let base = (foreground ? 30 : 40) + (index >= 8 ? 60 : 0)
            return "\u{1B}[\(base + Int(index % 8))m"
        case let .indexed(index): return "\u{1B}[\(foreground ? 38 : 48);5;\(index)m"
        case .terminalDefault: return ""
        }
    }
}
