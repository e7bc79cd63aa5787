/// The colour of one side of a terminal cell (foreground or background).
public enum CellColor: Hashable, Sendable {
    /// Whatever the terminal's own default colour is.
    case terminalDefault
    /// A palette index: 0–15 in 16-colour mode, 16–255 in 256-colour mode.
    case indexed(UInt8)
    /// A 24-bit colour.
    case rgb(RGB8)
}
