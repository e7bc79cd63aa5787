import StudioCore

/// The studio's one view of a terminal: events in, whole screens out. `CursesTerminal` is the real
/// one (the only code that calls ncurses); `InMemoryTerminal` stands in for it in tests.
public protocol Terminal: AnyObject {
    /// The size now (after a `.resize` event, the new one).
    var size: TerminalSize { get }
    /// How many colours cells may use on this terminal.
    var colorMode: ColorMode { get }
    /// The next input event, waiting at most `timeoutMilliseconds`; nil when nothing came.
    func nextEvent(timeoutMilliseconds: Int) -> InputEvent?
    /// Shows `screen` (the adapter draws only what changed since the last call).
    func draw(_ screen: ScreenBuffer)
    /// Gives the terminal back as it was (idempotent).
    func restore()
}
