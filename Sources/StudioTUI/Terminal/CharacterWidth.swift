import CCursesShims

/// How many terminal columns a character takes: 2 for wide (CJK, most emoji), 0 for a combining
/// mark on its own, else 1 — as the C library's `wcwidth` says for the first scalar (the locale must
/// be UTF-8, which the studio sets before it starts); characters it does not know count as 1.
enum CharacterWidth {
    static func of(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if scalar.value < 0x7F { return 1 }
        let width = ccs_wcwidth(scalar.value)
        if width < 0 { return 1 }
        if width == 0 { return character.unicodeScalars.count > 1 || scalar.properties.generalCategory != .nonspacingMark ? 1 : 0 }
        return Int(width)
    }

    static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }
}
