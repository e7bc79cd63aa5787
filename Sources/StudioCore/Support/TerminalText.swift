/// Text from outside — PNG chunks, safetensors metadata and tensor names, preset and theme names,
/// prompts, file names — made safe to show on a terminal. A terminal obeys the control characters
/// in what it prints: an image's text chunk could retitle the window, clear the screen or rewrite
/// what was shown before (ESC sequences, CR, BS), and bidirectional overrides or invisible format
/// characters can make text read differently from what it is. Every front end (the command line,
/// the studio) passes outside text through here before showing it; files keep the exact text.
///
/// What is made visible, and how:
/// - C0 controls U+0000–U+001F and DEL in caret notation, as `cat -v` shows them: ESC → `^[`,
///   NUL → `^@`, BEL → `^G`, CR → `^M`, DEL → `^?`. In `block` text, line feed and tab are kept
///   (they are layout); in `line` text they become `^J` and `^I` too.
/// - C1 controls U+0080–U+009F, the format characters (general category Cf: bidirectional
///   embeddings, overrides and isolates, zero-width spaces, the BOM, soft hyphen, tag
///   characters…) and the line and paragraph separators U+2028/U+2029 as `<U+202E>`.
///   Zero-width joiner and non-joiner stay, since emoji sequences and many scripts need them.
/// Everything else (letters of any script, emoji, combining marks, symbols) is shown as it is.
/// The result never contains a character that would be made visible, so the function is
/// idempotent; a literal `^[` typed by someone reads the same as an escaped ESC, which is the price
/// of a notation people already know.
public enum TerminalText {
    /// Multi-line text (a chunk's text, a report): line feeds and tabs kept.
    public static func block(_ text: String) -> String {
        sanitized(text, keepingLayout: true)
    }

    /// One line (a name, a table cell, a one-line message): line feeds and tabs made visible too.
    public static func line(_ text: String) -> String {
        sanitized(text, keepingLayout: false)
    }

    /// Whether `scalar` is shown as itself (in `block` text when `keepingLayout`).
    public static func isShownAsItself(_ scalar: Unicode.Scalar, keepingLayout: Bool) -> Bool {
        visibleForm(of: scalar, keepingLayout: keepingLayout) == nil
    }

    static func sanitized(_ text: String, keepingLayout: Bool) -> String {
        // Most text needs no change: return it as it is without building a copy.
        guard text.unicodeScalars.contains(where: { !isShownAsItself($0, keepingLayout: keepingLayout) }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let visible = visibleForm(of: scalar, keepingLayout: keepingLayout) {
                result.append(contentsOf: visible.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// The visible spelling of `scalar`, or nil when it is shown as itself.
    static func visibleForm(of scalar: Unicode.Scalar, keepingLayout: Bool) -> String? {
        let value = scalar.value
        if value < 0x20 {
            if keepingLayout, value == 0x0A || value == 0x09 { return nil }
            return "^" + String(Unicode.Scalar(UInt8(value) + 0x40))
        }
        if value < 0x7F { return nil }  // printable ASCII, the common case
        if value == 0x7F { return "^?" }
        if value == 0x200C || value == 0x200D { return nil }  // zero-width non-joiner and joiner
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate:
            return "<U+" + hex(value) + ">"
        default:
            return nil
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
