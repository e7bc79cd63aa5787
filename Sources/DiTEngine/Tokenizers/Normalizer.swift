import Foundation

/// Text normalisation before pre-tokenisation (`tokenizers` normalizers).
public indirect enum Normalizer: Sendable {
    case lowercase
    case nfc, nfd, nfkc, nfkd
    case strip(left: Bool, right: Bool)
    /// Replaces every match of a literal string or a regular expression.
    case replaceString(String, with: String)
    case replaceRegex(NSRegularExpressionBox, with: String)
    case sequence([Normalizer])

    public func apply(_ text: String) -> String {
        switch self {
        case .lowercase: return text.lowercased()
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        case .strip(let left, let right):
            var scalars = Substring.UnicodeScalarView(text.unicodeScalars)
            if left { while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() } }
            if right { while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() } }
            return String(scalars)
        case .replaceString(let pattern, let replacement):
            return pattern.isEmpty ? text : text.replacingOccurrences(of: pattern, with: replacement)
        case .replaceRegex(let box, let replacement):
            return box.replacingMatches(in: text, with: replacement)
        case .sequence(let steps):
            return steps.reduce(text) { $1.apply($0) }
        }
    }
}

/// A compiled regular expression that can sit in a `Sendable` value (it is immutable once made).
public final class NSRegularExpressionBox: @unchecked Sendable {
    public let expression: NSRegularExpression
    public init(_ expression: NSRegularExpression) { self.expression = expression }

    /// How many of ICU's progress reports one replacement may take. ICU reports after each slice
    /// of matching work (a fraction of a millisecond); ordinary patterns finish without one, but a
    /// pattern that backtracks catastrophically, such as `(a|a)+$` from a hostile tokenizer.json,
    /// would take exponential time on a prompt (found by fuzzing). Past the budget, matching stops
    /// and the rest of the text is left as it is.
    static let progressBudget = 100

    /// `text` with every match replaced by `replacement` taken literally.
    func replacingMatches(in text: String, with replacement: String) -> String {
        var result = ""
        var copied = text.startIndex
        var reports = 0
        expression.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(text.startIndex..., in: text)) { match, _, stop in
            guard let match else {
                reports += 1
                if reports > Self.progressBudget { stop.pointee = true }
                return
            }
            guard let range = Range(match.range, in: text), range.lowerBound >= copied else { return }
            result += text[copied..<range.lowerBound]
            result += replacement
            copied = range.upperBound
        }
        return result + text[copied...]
    }
}
