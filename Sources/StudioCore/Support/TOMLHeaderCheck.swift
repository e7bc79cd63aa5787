/// Finds the one kind of malformed line that the TOML parser inside TOMLKit (toml++ 3) does not
/// report but aborts the whole process on, through a failed `assert`: a table header whose name
/// starts with a character that cannot start a key, such as `[é]`, `[.a]`, `[[ %x]]` or a `[`
/// alone at the end of a line. `ConfigDocument` calls it before parsing, so such a file becomes an
/// `invalidTOML` error with its line instead.
///
/// It walks the document the way the parser does: outside strings and comments, a `[` that is the
/// first thing on a line and not inside an array or inline-table value opens a table header.
enum TOMLHeaderCheck {
    /// Where a header's name should start, with the character found there and the line's text.
    struct Problem: Equatable {
        var line: Int
        var column: Int
        var found: Unicode.Scalar
        var lineText: String
    }

    /// The first header whose name starts with a character that cannot start a key, if any.
    static func firstUnsafeHeader(in text: String) -> Problem? {
        // The parser gets the text as a C string, so it ends at the first NUL.
        var scalars = Array(text.unicodeScalars.prefix { $0 != "\0" })
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() } // a byte-order mark is skipped
        enum Context { case normal, comment, basic, literal, multilineBasic, multilineLiteral }
        var context = Context.normal
        var depth = 0            // open `[` and `{` of values
        var atLineStart = true   // nothing but spaces and tabs so far on this line, at depth 0
        var line = 1, lineStart = 0
        var index = 0

        func isQuoteRun(_ quote: Unicode.Scalar, at position: Int) -> Bool {
            position + 2 < scalars.count && scalars[position] == quote && scalars[position + 1] == quote
                && scalars[position + 2] == quote
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" {
                line += 1
                lineStart = index + 1
                if context == .comment || context == .basic || context == .literal { context = .normal }
                if context == .normal, depth == 0 { atLineStart = true }
                index += 1
                continue
            }
            switch context {
            case .comment:
                break
            case .basic, .multilineBasic:
                if scalar == "\\" {
                    if index + 1 < scalars.count, scalars[index + 1] != "\n" { index += 1 } // cannot close the string
                } else if context == .basic, scalar == "\"" {
                    context = .normal
                } else if context == .multilineBasic, isQuoteRun("\"", at: index) {
                    while index + 1 < scalars.count, scalars[index + 1] == "\"" { index += 1 } // """" ends on the last quote
                    context = .normal
                }
            case .literal, .multilineLiteral:
                if context == .literal, scalar == "'" {
                    context = .normal
                } else if context == .multilineLiteral, isQuoteRun("'", at: index) {
                    while index + 1 < scalars.count, scalars[index + 1] == "'" { index += 1 }
                    context = .normal
                }
            case .normal:
                switch scalar {
                case " ", "\t", "\r":
                    break
                case "#":
                    context = .comment
                case "\"", "'":
                    let multiline = isQuoteRun(scalar, at: index)
                    context = scalar == "\"" ? (multiline ? .multilineBasic : .basic) : (multiline ? .multilineLiteral : .literal)
                    if multiline { index += 2 }
                    atLineStart = false
                case "[" where atLineStart:
                    atLineStart = false
                    var name = index + 1
                    var hadSpace = false
                    while name < scalars.count, scalars[name] == " " || scalars[name] == "\t" { name += 1; hadSpace = true }
                    if name < scalars.count, scalars[name] == "[" {
                        if hadSpace { return nil } // `[ [`: the parser stops here with its own error
                        name += 1
                        while name < scalars.count, scalars[name] == " " || scalars[name] == "\t" { name += 1 }
                    }
                    guard name < scalars.count else { return nil } // the parser stops at the end with its own error
                    let first = scalars[name]
                    if !(isBareKeyCharacter(first) || first == "\"" || first == "'" || first == "]") {
                        var lineText = String.UnicodeScalarView()
                        lineText.append(contentsOf: scalars[lineStart...].prefix { $0 != "\n" && $0 != "\r" })
                        return Problem(line: line, column: name - lineStart + 1, found: first, lineText: String(lineText))
                    }
                    index = name - 1 // go on with the name (quoted parts included) as normal text
                case "[", "{":
                    depth += 1
                    atLineStart = false
                case "]", "}":
                    depth = max(0, depth - 1) // a header's closing `]` leaves depth at 0
                    atLineStart = false
                default:
                    atLineStart = false
                }
            }
            index += 1
        }
        return nil
    }

    /// A-Z, a-z, 0-9, `_` and `-`: what a bare key may hold.
    static func isBareKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
        default: return false
        }
    }
}
