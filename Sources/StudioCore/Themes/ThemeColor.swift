import Foundation

/// One theme colour as written (`#rrggbb`) and its nearest stand-ins for terminals with fewer
/// colours: an xterm 256-colour index (16–255, the fixed cube and grays) and one of the 16 ANSI
/// colours (0–15), both chosen by perceptual distance (the foundation's `NearestColorTable`),
/// unless the theme names the 16-colour index itself.
public struct ThemeColor: Hashable, Sendable, CustomStringConvertible {
    public var rgb: RGB8
    public var xterm256: UInt8
    public var ansi16: UInt8

    public init(_ rgb: RGB8, ansi16: UInt8? = nil) {
        self.rgb = rgb
        self.xterm256 = TerminalPalette.xterm256Table.nearest(rgb)
        self.ansi16 = ansi16 ?? TerminalPalette.ansi16Table.nearest(rgb)
    }

    /// The colour to use on a terminal in `mode`.
    public func cellColor(for mode: ColorMode) -> CellColor {
        switch mode {
        case .trueColor: return .rgb(rgb)
        case .xterm256: return .indexed(xterm256)
        case .ansi16: return .indexed(ansi16)
        case .monochrome: return .terminalDefault
        }
    }

    /// `#rrggbb`.
    public var hex: String {
        "#" + [rgb.red, rgb.green, rgb.blue].map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    public var description: String { hex }

    /// Reads `#rrggbb` (or `rrggbb`); nil for anything else.
    public static func parseHex(_ text: String) -> RGB8? {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        if digits.hasPrefix("#") { digits = digits.dropFirst() }
        guard digits.count == 6, digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16) else { return nil }
        return RGB8(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
    }
}
