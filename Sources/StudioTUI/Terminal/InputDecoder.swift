/// What the curses adapter reads before decoding: a character, a named function key (ncurses'
/// `keyname`: "KEY_UP", "KEY_SR", "kUP5"…), a mouse action or a resize.
public enum RawInput: Hashable, Sendable {
    case character(UInt32)
    case functionKey(String)
    case mouse(MouseEvent)
    case resize
}

/// Turns raw terminal input into studio events: control bytes into keys, ESC sequences into Alt
/// keys or a lone Escape, and bracketed paste (`ESC [200~ … ESC [201~`) into one `paste` event,
/// however long. Pure and incremental: the adapter feeds what it reads and calls `flush()` when the
/// terminal has been quiet for a moment (a lone ESC is then the Escape key).
public struct InputDecoder: Sendable {
    private enum Phase: Sendable {
        case normal
        /// ESC read; waiting to see what follows.
        case escape
        /// Inside `ESC [`; the parameter bytes so far.
        case csi(String)
        /// Inside a bracketed paste; the text so far.
        case paste(String)
    }

    private var phase: Phase = .normal
    /// The longest paste kept (characters); the rest is dropped and reported as truncated.
    public static let maximumPasteLength = 1 << 20

    public init() {}

    /// Whether a sequence is half read (then the adapter reads on with a short timeout).
    public var isMidSequence: Bool {
        if case .normal = phase { return false }
        return true
    }

    /// Whether a bracketed paste is being read.
    public var isInPaste: Bool {
        if case .paste = phase { return true }
        return false
    }

    /// Feeds one raw input; returns the events it completes.
    public mutating func feed(_ input: RawInput) -> [InputEvent] {
        switch input {
        case .resize:
            return flush() + [.resize]
        case let .mouse(event):
            if isInPaste { return [] }
            return flush() + [.mouse(event)]
        case let .functionKey(name):
            if isInPaste { return [] }
            return flush() + [Self.functionKey(named: name)]
        case let .character(value):
            return feed(character: value)
        }
    }

    /// The terminal went quiet: a pending ESC is the Escape key; a paste without its end marker
    /// is delivered as it is; an unfinished CSI sequence is an unknown key.
    public mutating func flush() -> [InputEvent] {
        switch phase {
        case .normal:
            return []
        case .escape:
            phase = .normal
            return [.key(.escape)]
        case let .csi(parameters):
            phase = .normal
            return [.key(.unknown("ESC[" + parameters))]
        case let .paste(text):
            phase = .normal
            return [.paste(text)]
        }
    }

    private mutating func feed(character value: UInt32) -> [InputEvent] {
        switch phase {
        case .normal:
            if value == 0x1B {
                phase = .escape
                return []
            }
            return [.key(Self.key(for: value))]
        case .escape:
            if value == UInt32(UInt8(ascii: "[")) {
                phase = .csi("")
                return []
            }
            phase = .normal
            if value == 0x1B { phase = .escape; return [.key(.escape)] }
            switch Self.key(for: value) {
            case let .character(character): return [.key(.alt(character))]
            case .enter: return [.key(.alt("\r"))]
            default: return [.key(.escape), .key(Self.key(for: value))]
            }
        case let .csi(parameters):
            guard let scalar = Unicode.Scalar(value) else { phase = .normal; return [.key(.unknown("ESC[" + parameters))] }
            let text = parameters + String(Character(scalar))
            if (0x40...0x7E).contains(value) {
                phase = .normal
                if text == "200~" { phase = .paste(""); return [] }
                return [.key(Self.csiKey(text))]
            }
            if text.count > 16 { phase = .normal; return [.key(.unknown("ESC[" + text))] }
            phase = .csi(text)
            return []
        case var .paste(text):
            guard let scalar = Unicode.Scalar(value) else { return [] }
            if text.unicodeScalars.count < Self.maximumPasteLength + 6 { text.unicodeScalars.append(scalar) }
            if text.hasSuffix("\u{1B}[201~") {
                phase = .normal
                var pasted = String(text.dropLast(6))
                if pasted.unicodeScalars.count > Self.maximumPasteLength {
                    pasted = String(String.UnicodeScalarView(pasted.unicodeScalars.prefix(Self.maximumPasteLength)))
                }
                return [.paste(pasted)]
            }
            phase = .paste(text)
            return []
        }
    }

    /// A character or control byte as a key.
    static func key(for value: UInt32) -> Key {
        switch value {
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x08, 0x7F: return .backspace
        case 0x00: return .ctrl("@")
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(value + 0x60)!))
        case 0x1B: return .escape
        case 0x1C...0x1F: return .unknown("^" + String(Character(Unicode.Scalar(value + 0x40)!)))
        default:
            guard let scalar = Unicode.Scalar(value) else { return .unknown("invalid character") }
            if (0x80...0x9F).contains(value) { return .unknown("U+" + String(value, radix: 16)) }
            return .character(Character(scalar))
        }
    }

    /// A few CSI keys terminals send that terminfo may not list (xterm's modified arrows).
    static func csiKey(_ text: String) -> Key {
        switch text {
        case "1;2A": return .shiftUp
        case "1;2B": return .shiftDown
        case "1;2C": return .shiftRight
        case "1;2D": return .shiftLeft
        case "1;5C": return .ctrlRight
        case "1;5D": return .ctrlLeft
        case "A": return .up
        case "B": return .down
        case "C": return .right
        case "D": return .left
        case "H": return .home
        case "F": return .end
        case "3~": return .delete
        case "Z": return .backTab
        default: return .unknown("ESC[" + text)
        }
    }

    /// ncurses' name of a function key as a studio key.
    static func functionKey(named name: String) -> InputEvent {
        let key: Key
        switch name {
        case "KEY_UP": key = .up
        case "KEY_DOWN": key = .down
        case "KEY_LEFT": key = .left
        case "KEY_RIGHT": key = .right
        case "KEY_SR", "kUP2": key = .shiftUp
        case "KEY_SF", "kDN2": key = .shiftDown
        case "KEY_SLEFT", "kLFT2": key = .shiftLeft
        case "KEY_SRIGHT", "kRIT2": key = .shiftRight
        case "kLFT5": key = .ctrlLeft
        case "kRIT5": key = .ctrlRight
        case "KEY_HOME": key = .home
        case "KEY_END": key = .end
        case "KEY_PPAGE": key = .pageUp
        case "KEY_NPAGE": key = .pageDown
        case "KEY_BACKSPACE": key = .backspace
        case "KEY_DC": key = .delete
        case "KEY_BTAB": key = .backTab
        case "KEY_ENTER": key = .enter
        default:
            if name.hasPrefix("KEY_F("), name.hasSuffix(")"), let number = Int(name.dropFirst(6).dropLast()) {
                key = .function(number)
            } else {
                key = .unknown(name)
            }
        }
        return .key(key)
    }
}
