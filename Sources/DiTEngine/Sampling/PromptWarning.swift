/// Something about a prompt the user should know: the model will not see it exactly as typed.
public struct PromptWarning: Sendable, Equatable, CustomStringConvertible {
    public enum Role: Sendable, Equatable {
        case prompt
        case negativePrompt
        /// The prompt of region `n` (1-based) of a regional layout.
        case regionPrompt(Int)
        /// The prompt of a regional layout's uncovered area.
        case backgroundPrompt
        /// An edit's description of its source image.
        case sourcePrompt

        /// How messages name it.
        public var name: String {
            switch self {
            case .prompt: return "prompt"
            case .negativePrompt: return "negative prompt"
            case .regionPrompt(let n): return "region \(n) prompt"
            case .backgroundPrompt: return "background prompt"
            case .sourcePrompt: return "source prompt"
            }
        }
    }

    public enum Kind: Sendable, Equatable {
        /// Words outside the vocabulary (each became the unknown token).
        case unknownWords([String])
        /// The prompt was cut to fit the text encoder's context of `contextLength` tokens.
        case truncated(contextLength: Int)
    }

    public let role: Role
    public let kind: Kind

    public init(role: Role, kind: Kind) {
        self.role = role
        self.kind = kind
    }

    /// The warnings for one tokenised prompt.
    public static func warnings(for tokens: TokenizedText, role: Role, contextLength: Int) -> [PromptWarning] {
        var warnings: [PromptWarning] = []
        if !tokens.unknownWords.isEmpty { warnings.append(PromptWarning(role: role, kind: .unknownWords(tokens.unknownWords))) }
        if tokens.truncated { warnings.append(PromptWarning(role: role, kind: .truncated(contextLength: contextLength))) }
        return warnings
    }

    public var description: String {
        switch kind {
        case .unknownWords(let words):
            let quoted = words.map { "'\($0)'" }.joined(separator: ", ")
            return "\(role.name): the model does not know \(words.count == 1 ? "the word" : "these words") \(quoted); "
                + "\(words.count == 1 ? "it is" : "they are") read as an unknown token"
        case .truncated(let length):
            return "\(role.name): too long for the text encoder; only the first \(length) tokens "
                + "(with <bos> and <eos>) are used, the rest is ignored"
        }
    }
}
