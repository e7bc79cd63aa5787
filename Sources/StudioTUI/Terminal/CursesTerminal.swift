import CCursesShims
import StudioCore

/// The one piece of the studio that talks to ncursesw (through the `CCursesShims` C target):
/// wide-character input and output, colour pairs, the mouse, bracketed paste, resizes.
///
/// Colours: the mode the environment asks for (`ColorMode.detect`: NO_COLOR, COLORTERM, TERM),
/// lowered to what curses reports the terminal can show (a direct-colour terminfo for 24-bit,
/// 256 or 16 colours). Pairs are cached by (foreground, background) and never redefined while on
/// screen: when the terminal's pairs run out, the cache starts over and the whole screen is
/// repainted with the new pairs.
public final class CursesTerminal: Terminal {
    public let colorMode: ColorMode
    private var decoder = InputDecoder()
    private var pending: [InputEvent] = []
    private var previous: ScreenBuffer?
    private var pairs: [PairKey: Int32] = [:]
    private let pairCapacity: Int
    private var isRunning = false

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    /// Starts curses on the process's terminal. Throws when it cannot (no terminal, unknown TERM).
    public init(environment: [String: String]) throws {
        guard ccs_start() == 0 else { throw StudioTUIError.noTerminal }
        isRunning = true
        ccs_install_hangup_handler()
        let requested = ColorMode.detect(environment: environment)
        let colors = ccs_has_colors() != 0 ? Int(ccs_colors()) : 0
        colorMode = Self.mode(requested: requested, terminalColors: colors)
        pairCapacity = max(0, min(Int(ccs_color_pairs()) - 1, 65_535))
    }

    deinit { restore() }

    /// The mode requested, lowered to what a terminal with `terminalColors` colours can show.
    public static func mode(requested: ColorMode, terminalColors: Int) -> ColorMode {
        let available: ColorMode
        switch terminalColors {
        case 0x1000000...: available = .trueColor
        case 256...: available = .xterm256
        case 16...: available = .ansi16
        default: available = .monochrome
        }
        let order: [ColorMode] = [.monochrome, .ansi16, .xterm256, .trueColor]
        return order[min(order.firstIndex(of: requested) ?? 0, order.firstIndex(of: available) ?? 0)]
    }

    public var size: TerminalSize {
        var rows: Int32 = 0, columns: Int32 = 0
        ccs_size(&rows, &columns)
        return TerminalSize(columns: Int(columns), rows: Int(rows))
    }

    /// Whether the terminal hung up (SIGHUP).
    public var hangUpReceived: Bool { ccs_hangup_received() != 0 }

    public func nextEvent(timeoutMilliseconds: Int) -> InputEvent? {
        if !pending.isEmpty { return pending.removeFirst() }
        var timeout = Int32(timeoutMilliseconds)
        while true {
            var value: UInt32 = 0
            let kind = ccs_read(decoder.isMidSequence ? 30 : timeout, &value)
            timeout = 0
            if kind < 0 {
                pending += decoder.flush()
                return pending.isEmpty ? nil : pending.removeFirst()
            }
            let raw: RawInput
            if kind == 0 {
                raw = .character(value)
            } else if value == UInt32(CCS_KEY_RESIZE) {
                raw = .resize
            } else if value == UInt32(CCS_KEY_MOUSE) {
                guard let mouse = readMouse() else { continue }
                raw = .mouse(mouse)
            } else {
                raw = .functionKey(String(cString: ccs_key_name(Int32(value))))
            }
            pending += decoder.feed(raw)
            if !pending.isEmpty, !decoder.isMidSequence { return pending.removeFirst() }
        }
    }

    private func readMouse() -> MouseEvent? {
        var x: Int32 = 0, y: Int32 = 0, buttons: UInt32 = 0
        guard ccs_mouse(&x, &y, &buttons) == 0 else { return nil }
        let action: MouseEvent.Action
        if buttons & ccs_button1_pressed() != 0 {
            action = .press
        } else if buttons & ccs_button1_released() != 0 {
            action = .release
        } else if buttons & ccs_button1_clicked() != 0 {
            pending.append(.mouse(MouseEvent(.release, column: Int(x), row: Int(y))))
            action = .press
        } else if buttons & ccs_button4_pressed() != 0 {
            action = .scrollUp
        } else if ccs_button5_pressed() != 0, buttons & ccs_button5_pressed() != 0 {
            action = .scrollDown
        } else if buttons & ccs_report_position() != 0 {
            action = .drag
        } else {
            return nil
        }
        return MouseEvent(action, column: Int(x), row: Int(y))
    }

    public func draw(_ screen: ScreenBuffer) {
        guard isRunning else { return }
        var full = previous?.size != screen.size
        if full { ccs_clear_all() }
        for _ in 0..<2 {
            var overflow = false
            for row in 0..<screen.size.rows {
                for column in 0..<screen.size.columns {
                    let cell = screen[column, row]
                    if cell.isContinuation { continue }
                    if !full, let previous, previous[column, row] == cell { continue }
                    guard let pair = pair(for: cell.style) else { overflow = true; break }
                    put(cell, row: row, column: column, pair: pair)
                }
                if overflow { break }
            }
            guard overflow else { break }
            // Out of colour pairs: start the cache over and repaint everything with new pairs.
            pairs.removeAll()
            full = true
            ccs_clear_all()
        }
        if let cursor = screen.cursor {
            ccs_move_cursor(Int32(cursor.row), Int32(cursor.column), 1)
        } else {
            ccs_move_cursor(Int32(max(0, screen.size.rows - 1)), 0, 0)
        }
        ccs_refresh()
        previous = screen
    }

    private func put(_ cell: ScreenCell, row: Int, column: Int, pair: Int32) {
        var characters = cell.text.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
        if characters.isEmpty { characters = [wchar_t(32)] }
        characters.append(0)
        let attributes = Int32(cell.style.attributes.rawValue)
        characters.withUnsafeBufferPointer { buffer in
            ccs_put(Int32(row), Int32(column), buffer.baseAddress, pair, attributes)
        }
    }

    /// The pair for a style's colours, defined on first use; nil when the pairs ran out.
    private func pair(for style: CellStyle) -> Int32? {
        guard colorMode != .monochrome else { return 0 }
        let key = PairKey(foreground: colorNumber(style.foreground), background: colorNumber(style.background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        guard pairs.count < pairCapacity else { return nil }
        let pair = Int32(pairs.count + 1)
        _ = ccs_init_pair(pair, key.foreground, key.background)
        pairs[key] = pair
        return pair
    }

    private func colorNumber(_ color: CellColor) -> Int32 {
        switch color {
        case .terminalDefault: return -1
        case let .indexed(index): return Int32(index)
        case let .rgb(rgb):
            // A direct-colour terminal numbers colours as 0xRRGGBB.
            return Int32(rgb.red) << 16 | Int32(rgb.green) << 8 | Int32(rgb.blue)
        }
    }

    public func restore() {
        guard isRunning else { return }
        isRunning = false
        ccs_stop()
    }
}
