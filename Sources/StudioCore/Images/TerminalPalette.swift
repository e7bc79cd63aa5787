/// The fixed colours of terminal palettes and the nearest-colour tables built from them.
public enum TerminalPalette {
    /// Levels of the xterm 6×6×6 colour cube (indices 16–231).
    public static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The RGB value of an xterm 256-colour index in 16...255 (the cube and the gray ramp).
    public static func xterm256Color(_ index: UInt8) -> RGB8 {
        precondition(index >= 16, "indices 0–15 are terminal-defined; use ansi16Colors")
        if index >= 232 {
            let gray = UInt8(8 + 10 * Int(index - 232))
            return RGB8(gray, gray, gray)
        }
        let cube = Int(index) - 16
        return RGB8(cubeLevels[cube / 36], cubeLevels[(cube / 6) % 6], cubeLevels[cube % 6])
    }

    /// The 16 ANSI colours as xterm draws them by default (black, red, green, yellow, blue,
    /// magenta, cyan, white, then the bright variants). Terminals differ; these are a fair average.
    public static let ansi16Colors: [RGB8] = [
        RGB8(0, 0, 0), RGB8(205, 0, 0), RGB8(0, 205, 0), RGB8(205, 205, 0),
        RGB8(0, 0, 238), RGB8(205, 0, 205), RGB8(0, 205, 205), RGB8(229, 229, 229),
        RGB8(127, 127, 127), RGB8(255, 0, 0), RGB8(0, 255, 0), RGB8(255, 255, 0),
        RGB8(92, 92, 255), RGB8(255, 0, 255), RGB8(0, 255, 255), RGB8(255, 255, 255),
    ]

    /// Nearest of indices 16–255, built on first use (about a quarter of a megabyte).
    public static let xterm256Table = NearestColorTable(
        entries: (16...255).map { (index: UInt8($0), color: xterm256Color(UInt8($0))) })

    /// Nearest of the 16 ANSI colours, built on first use.
    public static let ansi16Table = NearestColorTable(
        entries: ansi16Colors.enumerated().map { (index: UInt8($0.offset), color: $0.element) })
}
