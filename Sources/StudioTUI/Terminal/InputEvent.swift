/// A key as the studio understands it, whatever the terminal sent.
public enum Key: Hashable, Sendable {
    /// A printable character (letters of any script, digits, punctuation, space).
    case character(Character)
    /// Control plus a letter (`ctrl("q")` is Ctrl-Q); Ctrl-M / Ctrl-I / Ctrl-H arrive as enter, tab, backspace.
    case ctrl(Character)
    /// Alt (Meta) plus a character, sent by terminals as ESC then the character.
    case alt(Character)
    case enter, tab, backTab, backspace, delete, escape
    case up, down, left, right
    case shiftUp, shiftDown, shiftLeft, shiftRight
    case ctrlLeft, ctrlRight
    case home, end, pageUp, pageDown
    case function(Int)
    /// Anything else the terminal sent (shown as "unknown key" and ignored).
    case unknown(String)

    /// How the key is written in the key line and help: `^L`, `⏎`, `⇧←`, `q`.
    public var label: String {
        switch self {
        case let .character(character): return character == " " ? "space" : String(character)
        case let .ctrl(character): return "^" + String(character).uppercased()
        case let .alt(character): return "M-" + String(character)
        case .enter: return "⏎"
        case .tab: return "⇥"
        case .backTab: return "⇧⇥"
        case .backspace: return "⌫"
        case .delete: return "del"
        case .escape: return "esc"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .shiftUp: return "⇧↑"
        case .shiftDown: return "⇧↓"
        case .shiftLeft: return "⇧←"
        case .shiftRight: return "⇧→"
        case .ctrlLeft: return "^←"
        case .ctrlRight: return "^→"
        case .home: return "home"
        case .end: return "end"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case let .function(number): return "F\(number)"
        case let .unknown(name): return name
        }
    }
}

/// A mouse action at a cell (0-based column and row of the whole screen).
public struct MouseEvent: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        case press, drag, release, scrollUp, scrollDown
    }

    public var action: Action
    public var column: Int
    public var row: Int

    public init(_ action: Action, column: Int, row: Int) {
        self.action = action
        self.column = column
        self.row = row
    }
}

/// What the terminal delivers to the studio.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    /// Text pasted in one piece (bracketed paste), delivered whole.
    case paste(String)
    case mouse(MouseEvent)
    /// The terminal changed size; the new size is the terminal's `size`.
    case resize
}

/// A terminal size in cells.
public struct TerminalSize: Hashable, Sendable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}
