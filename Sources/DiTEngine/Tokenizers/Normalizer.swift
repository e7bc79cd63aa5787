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
            let range = NSRange(text.startIndex..., in: text)
            return box.expression.stringByReplacingMatches(in: text, range: range,
                                                           withTemplate: NSRegularExpression.escapedTemplate(for: replacement))
        case .sequence(let steps):
            return steps.reduce(text) { $1.apply($0) }
        }
    }
}

/// A compiled regular expression that can sit in a `Sendable` value (it is immutable once made).
public final class NSRegularExpressionBox: @unchecked Sendable {
    public let expression: NSRegularExpression
    public init(_ expression: NSRegularExpression) { self.expression = expression }
}
