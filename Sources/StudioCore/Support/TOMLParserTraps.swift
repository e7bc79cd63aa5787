/// Finds the malformed TOML that the parser inside TOMLKit (toml++ 3) does not report but aborts
/// the whole process on, through a failed `assert` (found by fuzzing):
/// - a table header whose name starts with a character that cannot start a key: `[é]`, `[.a]`,
///   `[[ %x]]`, a `[` alone at the end of a line;
/// - an array element that starts with `}` or a Unicode line separator: `a = [}`, `a = [1, }]`.
///
/// `ConfigDocument` calls it before parsing, so such a file becomes an `invalidTOML` error with its
/// line instead. It walks the document as the parser does: strings, comments, and the arrays and
/// inline tables of values; where the document is already invalid before a trap, the parser stops
/// there with its own error, so what follows does not matter.
enum TOMLParserTraps {
    /// Where a trap starts, with the character found there and the line's text.
    struct Problem: Equatable {
        var line: Int
        var column: Int
        var found: Unicode.Scalar
        var lineText: String
        var reason: String
    }

    static let headerReason = "a table name must start with a letter, digit, '_', '-' or a quote"
    static let elementReason = "an array element must be a value"

    /// The first trap in `text`, if any.
    static func first(in text: String) -> Problem? {
        // The parser gets the text as a C string, so it ends at the first NUL.
        var scalars = Array(text.unicodeScalars.prefix { $0 != "\0" })
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() } // a byte-order mark is skipped
        enum Context { case normal, comment, basic, literal, multilineBasic, multilineLiteral }
        enum Container { case array, inlineTable }
        var context = Context.normal
        var containers: [Container] = []   // the arrays and inline tables of values open here
        var atLineStart = true             // only spaces and tabs so far on this line, outside values
        var expectingElement = false       // after an array's `[` or `,`, before its next element
        var line = 1, lineStart = 0
        var index = 0

        func problem(at position: Int, _ reason: String) -> Problem {
            var lineText = String.UnicodeScalarView()
            lineText.append(contentsOf: scalars[lineStart...].prefix { $0 != "\n" && $0 != "\r" })
            return Problem(line: line, column: position - lineStart + 1, found: scalars[position],
                           lineText: String(lineText), reason: reason)
        }
        func isQuoteRun(_ quote: Unicode.Scalar, at position: Int) -> Bool {
            position + 2 < scalars.count && scalars[position] == quote && scalars[position + 1] == quote
                && scalars[position + 2] == quote
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" {
                if context == .comment || context == .basic || context == .literal { context = .normal }
                if context == .normal, containers.isEmpty { atLineStart = true }
                index += 1
                line += 1
                lineStart = index
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
                if scalar == " " || scalar == "\t" || scalar == "\r" { break }
                if scalar == "#" { context = .comment; break }
                if expectingElement {
                    expectingElement = false
                    if scalar == "}" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                        return problem(at: index, elementReason)
                    }
                }
                switch scalar {
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
                        return problem(at: name, headerReason)
                    }
                    index = name - 1 // go on with the name (quoted parts included) as normal text
                case "[":
                    containers.append(.array)
                    expectingElement = true
                    atLineStart = false
                case "{":
                    containers.append(.inlineTable)
                    atLineStart = false
                case ",":
                    expectingElement = containers.last == .array
                    atLineStart = false
                case "]", "}":
                    if !containers.isEmpty { containers.removeLast() } // a header's `]` closes nothing
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
