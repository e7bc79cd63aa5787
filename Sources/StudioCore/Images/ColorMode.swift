/// How many colours the terminal can show, which decides how image cells are coloured.
public enum ColorMode: String, CaseIterable, Sendable {
    /// 24-bit colour (`COLORTERM=truecolor`): each cell gets the exact pixel colours.
    case trueColor = "truecolor"
    /// The xterm 256-colour palette; only its fixed part (6×6×6 cube and 24 grays, indices
    /// 16–255) is used, because the first 16 colours differ from terminal to terminal.
    case xterm256 = "256"
    /// The 16 standard ANSI colours (indices 0–15), matched against xterm's default values.
    case ansi16 = "16"
    /// No colour: the glyph alone (▀ ▄ █ or space) shows which half of a cell is bright.
    case monochrome = "mono"

    /// Best guess from the environment, as terminals advertise themselves: `COLORTERM` for 24-bit,
    /// `TERM` for 24-bit (`*-direct`), 256 colours or none (`dumb`); `NO_COLOR` asks for no colour.
    public static func detect(environment: [String: String]) -> ColorMode {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        let term = environment["TERM"] ?? ""
        if term == "dumb" { return .monochrome }
        let colorTerm = (environment["COLORTERM"] ?? "").lowercased()
        if colorTerm == "truecolor" || colorTerm == "24bit" || term.hasSuffix("-direct") { return .trueColor }
        if term.contains("256color") { return .xterm256 }
        return .ansi16
    }
}
