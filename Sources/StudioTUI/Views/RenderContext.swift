import StudioCore

/// What views need besides the state: the theme and the terminal's colour mode. Every colour a
/// view uses comes from a theme role through here.
public struct RenderContext: Sendable {
    public var theme: Theme
    public var colorMode: ColorMode

    public init(theme: Theme, colorMode: ColorMode) {
        self.theme = theme
        self.colorMode = colorMode
    }

    private var usesColor: Bool { colorMode != .monochrome && !theme.isMonochrome }

    /// The background every cell shares (the terminal's own in monochrome).
    public var background: CellColor { usesColor ? theme.cellColor(.background, mode: colorMode) : .terminalDefault }

    /// Text in `role` on the theme's background.
    public func style(_ role: ThemeRole, attributes extra: TextAttributes = []) -> CellStyle {
        CellStyle(foreground: usesColor ? theme.cellColor(role, mode: colorMode) : .terminalDefault, background: background,
                  attributes: theme.attributes(role, mode: colorMode).union(extra))
    }

    /// Text in `role` on the selection's background (a selected row).
    public func selected(_ role: ThemeRole) -> CellStyle {
        guard usesColor else { return CellStyle(attributes: .reverse) }
        return CellStyle(foreground: theme.cellColor(role, mode: colorMode), background: theme.cellColor(.selection, mode: colorMode),
                         attributes: theme.attributes(role, mode: colorMode))
    }

    /// A region box's colour (1-based).
    public func region(_ number: Int, attributes: TextAttributes = []) -> CellStyle {
        guard usesColor else { return CellStyle(attributes: attributes) }
        return CellStyle(foreground: theme.region(number).cellColor(for: colorMode), background: background, attributes: attributes)
    }
}
