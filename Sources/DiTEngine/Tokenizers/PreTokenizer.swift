/// Splitting normalised text into words (`tokenizers` pre-tokenizers).
public indirect enum PreTokenizer: Sendable {
    /// The regex `\w+|[^\w\s]+`: runs of word characters, and runs of punctuation/symbols, each a
    /// word; whitespace separates and is dropped.
    case whitespace
    /// Split on whitespace only; punctuation stays attached to its word.
    case whitespaceSplit
    case sequence([PreTokenizer])

    public func split(_ text: String) -> [String] {
        split([text])
    }

    func split(_ pieces: [String]) -> [String] {
        switch self {
        case .whitespace: return pieces.flatMap { PreTokenizer.runs($0, keepSymbolsApart: true) }
        case .whitespaceSplit: return pieces.flatMap { PreTokenizer.runs($0, keepSymbolsApart: false) }
        case .sequence(let steps): return steps.reduce(pieces) { $1.split($0) }
        }
    }

    /// Character classes as the Rust `regex` crate defines `\w` and `\s` (Unicode-aware).
    enum CharacterClass { case word, space, symbol }

    static func characterClass(_ scalar: Unicode.Scalar) -> CharacterClass {
        let properties = scalar.properties
        if properties.isWhitespace { return .space }
        switch properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark, .connectorPunctuation:
            return .word
        default:
            return properties.isAlphabetic || properties.isJoinControl ? .word : .symbol
        }
    }

    /// Maximal runs of one class (word or symbol; with `keepSymbolsApart == false`, any
    /// non-space), separated by whitespace.
    static func runs(_ text: String, keepSymbolsApart: Bool) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var currentClass: CharacterClass?
        for scalar in text.unicodeScalars {
            var kind = characterClass(scalar)
            if !keepSymbolsApart && kind != .space { kind = .word }
            if kind != currentClass || kind == .space {
                if !current.isEmpty { words.append(String(current)) }
                current = String.UnicodeScalarView()
            }
            if kind != .space { current.append(scalar) }
            currentClass = kind
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }
}
