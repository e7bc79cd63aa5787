/// A one-line text editor (the prompt line and every text field): cursor and word motions, Emacs
/// keys, paste, and recall of earlier entries. Pure; the text is kept as characters so the cursor
/// never lands inside one.
public struct LineEditor: Equatable, Sendable {
    public private(set) var characters: [Character]
    /// 0…characters.count.
    public private(set) var cursor: Int
    /// Earlier entries, oldest first, for ↑/↓ recall.
    public private(set) var recall: [String]
    /// Which recalled entry is shown (nil: the text being typed).
    private var recallIndex: Int?
    private var draft: [Character] = []
    /// Text deleted by ^K / ^U / ^W, for ^Y.
    private var killed: [Character] = []

    /// The longest text kept (a 100 KB paste is cut here, and the user told).
    public static let maximumLength = 4096

    public init(_ text: String = "", recall: [String] = []) {
        characters = Array(text.prefix(Self.maximumLength))
        cursor = characters.count
        self.recall = recall
    }

    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }

    /// Replaces the text (cursor at the end).
    public mutating func setText(_ text: String) {
        characters = Array(text.prefix(Self.maximumLength))
        cursor = characters.count
        recallIndex = nil
    }

    /// Keeps `entry` for recall (not twice in a row) and clears the line.
    public mutating func commit() {
        let entry = text
        if !entry.isEmpty, recall.last != entry { recall.append(entry) }
        if recall.count > 500 { recall.removeFirst(recall.count - 500) }
        setText("")
    }

    /// Inserts text at the cursor: line breaks and tabs become spaces and other control characters
    /// are dropped (a prompt is one line). Returns false when the text had to be cut to fit.
    @discardableResult
    public mutating func insert(_ text: String) -> Bool {
        var cleaned: [Character] = []
        for character in text {
            if character == "\n" || character == "\r" || character == "\r\n" || character == "\t" {
                cleaned.append(" ")
            } else if let scalar = character.unicodeScalars.first,
                      scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                continue
            } else {
                cleaned.append(character)
            }
        }
        let room = Self.maximumLength - characters.count
        let fits = cleaned.count <= room
        characters.insert(contentsOf: cleaned.prefix(max(0, room)), at: cursor)
        cursor += min(cleaned.count, max(0, room))
        recallIndex = nil
        return fits
    }

    /// Handles an editing key; returns false when the key is not an editing key.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case let .character(character):
            insert(String(character))
        case .left, .ctrl("b"):
            cursor = max(0, cursor - 1)
        case .right, .ctrl("f"):
            cursor = min(characters.count, cursor + 1)
        case .home, .ctrl("a"):
            cursor = 0
        case .end, .ctrl("e"):
            cursor = characters.count
        case .ctrlLeft, .alt("b"):
            cursor = previousWordStart(from: cursor)
        case .ctrlRight, .alt("f"):
            cursor = nextWordEnd(from: cursor)
        case .backspace:
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .ctrl("w"), .alt("\u{7F}"):
            let start = previousWordStart(from: cursor)
            killed = Array(characters[start..<cursor])
            characters.removeSubrange(start..<cursor)
            cursor = start
        case .alt("d"):
            let end = nextWordEnd(from: cursor)
            killed = Array(characters[cursor..<end])
            characters.removeSubrange(cursor..<end)
        case .ctrl("k"):
            killed = Array(characters[cursor...])
            characters.removeSubrange(cursor...)
        case .ctrl("u"):
            killed = Array(characters[..<cursor])
            characters.removeSubrange(..<cursor)
            cursor = 0
        case .ctrl("y"):
            insert(String(killed))
        case .up, .ctrl("p"):
            recallPrevious()
        case .down, .ctrl("n"):
            recallNext()
        default:
            return false
        }
        return true
    }

    private mutating func recallPrevious() {
        guard !recall.isEmpty else { return }
        let index: Int
        if let recallIndex { index = max(0, recallIndex - 1) } else { draft = characters; index = recall.count - 1 }
        recallIndex = index
        characters = Array(recall[index])
        cursor = characters.count
    }

    private mutating func recallNext() {
        guard let current = recallIndex else { return }
        if current + 1 < recall.count {
            recallIndex = current + 1
            characters = Array(recall[current + 1])
        } else {
            recallIndex = nil
            characters = draft
        }
        cursor = characters.count
    }

    private func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }

    func previousWordStart(from position: Int) -> Int {
        var index = position
        while index > 0, !isWordCharacter(characters[index - 1]) { index -= 1 }
        while index > 0, isWordCharacter(characters[index - 1]) { index -= 1 }
        return index
    }

    func nextWordEnd(from position: Int) -> Int {
        var index = position
        while index < characters.count, !isWordCharacter(characters[index]) { index += 1 }
        while index < characters.count, isWordCharacter(characters[index]) { index += 1 }
        return index
    }

    /// The visible part of the text in `width` columns, keeping the cursor in view: the first
    /// character index shown and the cursor's column within the window.
    public func window(width: Int) -> (start: Int, cursorColumn: Int) {
        guard width > 1 else { return (cursor, 0) }
        var start = 0
        var columns = CharacterWidth.of(String(characters[0..<cursor]))
        while columns > width - 1, start < cursor {
            columns -= CharacterWidth.of(characters[start])
            start += 1
        }
        return (start, columns)
    }

    /// Ranges of the words (letters and digits) in the text, for marking unknown ones.
    public var wordRanges: [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < characters.count {
            if isWordCharacter(characters[index]) {
                let start = index
                while index < characters.count, isWordCharacter(characters[index]) { index += 1 }
                ranges.append(start..<index)
            } else {
                index += 1
            }
        }
        return ranges
    }
}
