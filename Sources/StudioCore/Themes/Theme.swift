/// A colour theme: a colour for every role and eight region colours (the layout editor's boxes),
/// loaded from `Themes/*.toml` or the user's themes folder.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var description: String
    /// Drawn with the terminal's own colours and text attributes only (the `mono` theme).
    public var isMonochrome: Bool
    public var colors: [ThemeRole: ThemeColor]
    /// Region colours 1…8.
    public var regions: [ThemeColor]
    public var source: ThemeSource

    public static let regionCount = 8

    public init(name: String, description: String, isMonochrome: Bool = false, colors: [ThemeRole: ThemeColor],
                regions: [ThemeColor], source: ThemeSource) {
        precondition(ThemeRole.allCases.allSatisfy { colors[$0] != nil }, "a theme has a colour for every role")
        precondition(regions.count == Self.regionCount, "a theme has \(Self.regionCount) region colours")
        self.name = name
        self.description = description
        self.isMonochrome = isMonochrome
        self.colors = colors
        self.regions = regions
        self.source = source
    }

    public subscript(role: ThemeRole) -> ThemeColor {
        colors[role] ?? ThemeColor(.white)
    }

    /// Region colour `number` (1-based; wraps after 8).
    public func region(_ number: Int) -> ThemeColor {
        regions[((number - 1) % Self.regionCount + Self.regionCount) % Self.regionCount]
    }

    /// The colour of `role` on a terminal in `mode`; the terminal's default for a monochrome theme.
    public func cellColor(_ role: ThemeRole, mode: ColorMode) -> CellColor {
        isMonochrome ? .terminalDefault : self[role].cellColor(for: mode)
    }

    /// Attributes that make `role` stand out without colour (used by monochrome themes and
    /// terminals; colour themes may use them too, e.g. bold for the focused border).
    public func attributes(_ role: ThemeRole, mode: ColorMode) -> TextAttributes {
        isMonochrome || mode == .monochrome ? role.monochromeAttributes : []
    }

    /// The theme built into the code: dusk's colours, for when no theme file can be found.
    public static let fallback: Theme = {
        let hex: [ThemeRole: String] = [
            .background: "#1c1e26", .text: "#d5d8e0", .muted: "#7a8194", .accent: "#e8a157", .border: "#3b4050",
            .borderFocused: "#e8a157", .selection: "#2f3445", .queued: "#7aa2f7", .running: "#e8a157", .done: "#9ece6a",
            .failed: "#f7768e", .cancelled: "#8a8f9e", .progress: "#e8a157", .progressTrack: "#343846",
            .error: "#f7768e", .warning: "#e0af68",
        ]
        let regions = ["#f7768e", "#7aa2f7", "#9ece6a", "#e0af68", "#bb9af7", "#7dcfff", "#ff9e64", "#c0caf5"]
        // As dusk.toml: 16-colour indices for the roles whose nearest match loses its meaning.
        let ansi16: [ThemeRole: UInt8] = [.border: 8, .selection: 8, .progressTrack: 8, .queued: 12, .running: 11,
                                          .done: 10, .failed: 9, .error: 9, .warning: 11]
        func color(_ text: String, _ index: UInt8? = nil) -> ThemeColor { ThemeColor(ThemeColor.parseHex(text) ?? .white, ansi16: index) }
        var colors: [ThemeRole: ThemeColor] = [:]
        for (role, text) in hex { colors[role] = color(text, ansi16[role]) }
        return Theme(name: "dusk", description: "Dark, with warm amber accents (the default)",
                     colors: colors, regions: regions.map { color($0) }, source: .builtIn(path: "(built into the program)"))
    }()
}

/// Where a theme came from: shipped with the studio (`Themes/`) or the user's own
/// (`$XDG_CONFIG_HOME/dit-studio/themes/`).
public typealias ThemeSource = ResourceOrigin

