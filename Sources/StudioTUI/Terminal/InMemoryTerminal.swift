import StudioCore

/// A terminal in memory for tests: events are queued by the test, screens drawn are kept.
public final class InMemoryTerminal: Terminal {
    public var size: TerminalSize
    public let colorMode: ColorMode
    public var events: [InputEvent] = []
    public private(set) var screens: [ScreenBuffer] = []
    public private(set) var restored = false

    public init(size: TerminalSize = TerminalSize(columns: 120, rows: 40), colorMode: ColorMode = .xterm256) {
        self.size = size
        self.colorMode = colorMode
    }

    public var lastScreen: ScreenBuffer? { screens.last }

    public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        events.isEmpty ? nil : events.removeFirst()
    }

    public func draw(_ screen: ScreenBuffer) {
        screens.append(screen)
    }

    public func restore() {
        restored = true
    }
}
