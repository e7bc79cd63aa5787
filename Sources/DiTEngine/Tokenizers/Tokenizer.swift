import Foundation

/// The result of tokenising one prompt.
public struct TokenizedText: Sendable, Equatable {
    /// `<bos> words… <eos>` then padding, as the text encoder consumes them.
    public var ids: [Int]
    /// The real tokens (specials included) before padding.
    public var length: Int
    /// Words the vocabulary does not know (each became the unknown token), in prompt order.
    public var unknownWords: [String]
    /// Whether words were dropped to fit the context; `<eos>` is still the last real token.
    public var truncated: Bool
}

/// A `tokenizer.json` tokenizer: added-token matching, normaliser, pre-tokeniser, a model
/// (`TokenizerModel`: WordLevel now, BPE could follow), the template post-processor
/// (`<bos> $A <eos>`), truncation and padding — in the `tokenizers` library's order.
public struct Tokenizer: Sendable {
    public let model: any TokenizerModel
    public let normalizer: Normalizer?
    public let preTokenizer: PreTokenizer?
    /// Special ids before and after the words (from the template's `single`).
    public let prefix: [Int]
    public let suffix: [Int]
    /// The most tokens (specials included) a prompt may have; nil for no limit.
    public let maxLength: Int?
    /// Truncation drops words from the start instead of the end.
    public let truncatesLeft: Bool
    /// Pad every prompt to this many ids; nil for no padding.
    public let paddedLength: Int?
    public let padID: Int
    public let padsLeft: Bool
    /// Added tokens matched in the raw text (`normalized: false`) or after normalisation.
    let rawAddedTokens: [(content: String, id: Int)]
    let normalizedAddedTokens: [(content: String, id: Int)]

    /// Reads `tokenizer.json`. With `contextLength` (the text encoder's
    /// `max_position_embeddings`), prompts are truncated to at most that many tokens and always
    /// padded to it, as the generation contract requires; without it, the file's own truncation
    /// and padding settings apply.
    public init(url: URL, contextLength: Int? = nil) throws {
        try self.init(data: try EngineError.readInput(url), url: url, contextLength: contextLength)
    }

    /// Parses `tokenizer.json` content; `url` names it in messages.
    public init(data: Data, url: URL, contextLength: Int? = nil) throws {
        let file: TokenizerFile
        if let control = ForbiddenControlCharacter.first(in: [UInt8](data), syntax: .json) {
            throw EngineError.invalidFile(url, reason: control.description)
        }
        do { file = try JSONDecoder().decode(TokenizerFile.self, from: data) } catch {
            throw EngineError.invalidFile(url, reason: "not a tokenizer.json this engine can read (\(Tokenizer.describe(error)))")
        }
        switch file.model {
        case .wordLevel(let vocabulary, let unknownToken):
            guard let unknownID = vocabulary[unknownToken] else {
                throw EngineError.invalidFile(url, reason: "the WordLevel unk_token '\(unknownToken)' is not in the vocabulary")
            }
            model = WordLevelModel(vocabulary: vocabulary, unknownID: unknownID)
        case .unsupported(let type):
            throw EngineError.unsupportedTokenizer(url, component: "model", type: type)
        }
        normalizer = try file.normalizer.map { try Tokenizer.makeNormalizer($0, url: url) }
        preTokenizer = try file.preTokenizer.map { try Tokenizer.makePreTokenizer($0, url: url) }

        var prefix: [Int] = [], suffix: [Int] = []
        switch file.postProcessor {
        case nil:
            break
        case .template(let single, let specialTokens)?:
            var seenSequence = false
            for piece in single {
                switch piece {
                case .sequence:
                    if seenSequence {
                        throw EngineError.unsupportedTokenizer(url, component: "post_processor", type: "TemplateProcessing with two sequences in 'single'")
                    }
                    seenSequence = true
                case .special(let name):
                    let ids: [Int]
                    if let special = specialTokens[name] { ids = special.ids }
                    else if let id = model.id(of: name) { ids = [id] }
                    else {
                        throw EngineError.invalidFile(url, reason: "the template's special token '\(name)' has no id")
                    }
                    if seenSequence { suffix += ids } else { prefix += ids }
                }
            }
        case .unsupported(let type)?:
            throw EngineError.unsupportedTokenizer(url, component: "post_processor", type: type)
        }
        self.prefix = prefix
        self.suffix = suffix

        let fileMax = file.truncation?.maxLength
        switch (fileMax, contextLength) {
        case let (a?, b?): maxLength = Swift.min(a, b)
        case let (a, b): maxLength = a ?? b
        }
        if let maxLength, maxLength < prefix.count + suffix.count {
            throw EngineError.invalidFile(url, reason: "truncation max_length \(maxLength) leaves no room for the \(prefix.count + suffix.count) special tokens")
        }
        truncatesLeft = file.truncation?.direction == "Left"
        if let contextLength {
            paddedLength = contextLength
        } else {
            // Every prompt becomes this many ids: a huge value would allocate without bound.
            if let fixed = file.padding?.fixedLength, !(0...ModelConfig.integerLimit).contains(fixed) {
                throw EngineError.invalidFile(url, reason: "padding to a fixed length of \(fixed) tokens is beyond any real model (0 to \(ModelConfig.integerLimit))")
            }
            paddedLength = file.padding?.fixedLength
        }
        padID = file.padding?.padID ?? model.id(of: "<pad>") ?? suffix.last ?? 0
        padsLeft = file.padding?.direction == "Left"

        let added = (file.addedTokens ?? []).sorted { $0.content.count > $1.content.count }
        rawAddedTokens = added.filter { $0.normalized != true && !$0.content.isEmpty }.map { ($0.content, $0.id) }
        normalizedAddedTokens = added.filter { $0.normalized == true && !$0.content.isEmpty }.map { ($0.content, $0.id) }
    }

    /// Tokenises `text`: never fails; unknown words become the unknown token and are reported.
    public func encode(_ text: String) -> TokenizedText {
        var ids: [Int] = []
        var unknown: [(word: String, position: Int)] = []  // position: index of its first id
        for segment in Tokenizer.splitAddedTokens(text, rawAddedTokens) {
            switch segment {
            case .token(let id):
                ids.append(id)
            case .text(let raw):
                let normalized = normalizer?.apply(raw) ?? raw
                for inner in Tokenizer.splitAddedTokens(normalized, normalizedAddedTokens) {
                    switch inner {
                    case .token(let id):
                        ids.append(id)
                    case .text(let piece):
                        let words = preTokenizer?.split(piece) ?? (piece.isEmpty ? [] : [piece])
                        for word in words {
                            let (wordIDs, isUnknown) = model.tokenize(word)
                            ids += wordIDs
                            if isUnknown { unknown.append((word, ids.count - wordIDs.count)) }
                        }
                    }
                }
            }
        }
        var truncated = false
        var kept = 0..<ids.count
        if let maxLength {
            let room = maxLength - prefix.count - suffix.count
            if ids.count > room {
                kept = truncatesLeft ? (ids.count - room)..<ids.count : 0..<room
                ids = Array(ids[kept])
                truncated = true
            }
        }
        // Only words that survive truncation reach the model: report those.
        let unknownWords = unknown.filter { kept.contains($0.position) }.map(\.word)
        var result = prefix + ids + suffix
        let length = result.count
        if let paddedLength, result.count < paddedLength {
            let padding = [Int](repeating: padID, count: paddedLength - result.count)
            result = padsLeft ? padding + result : result + padding
        }
        return TokenizedText(ids: result, length: length, unknownWords: unknownWords, truncated: truncated)
    }

    enum Segment { case text(String), token(Int) }

    /// Splits `text` around occurrences of added tokens (longest first at each position).
    static func splitAddedTokens(_ text: String, _ tokens: [(content: String, id: Int)]) -> [Segment] {
        guard !tokens.isEmpty else { return [.text(text)] }
        var segments: [Segment] = []
        var pending = ""
        var index = text.startIndex
        outer: while index < text.endIndex {
            let rest = text[index...]
            for token in tokens where rest.hasPrefix(token.content) {
                if !pending.isEmpty { segments.append(.text(pending)); pending = "" }
                segments.append(.token(token.id))
                index = text.index(index, offsetBy: token.content.count)
                continue outer
            }
            pending.append(text[index])
            index = text.index(after: index)
        }
        if !pending.isEmpty { segments.append(.text(pending)) }
        return segments
    }

    static func makeNormalizer(_ spec: TokenizerFile.NormalizerSpec, url: URL) throws -> Normalizer {
        switch spec {
        case .lowercase: return .lowercase
        case .nfc: return .nfc
        case .nfd: return .nfd
        case .nfkc: return .nfkc
        case .nfkd: return .nfkd
        case .strip(let left, let right): return .strip(left: left, right: right)
        case .replace(.string(let pattern), let content): return .replaceString(pattern, with: content)
        case .replace(.regex(let pattern), let content):
            do {
                return .replaceRegex(NSRegularExpressionBox(try NSRegularExpression(pattern: pattern)), with: content)
            } catch {
                throw EngineError.invalidFile(url, reason: "the Replace normalizer's regex '\(pattern)' does not compile")
            }
        case .sequence(let steps): return .sequence(try steps.map { try makeNormalizer($0, url: url) })
        case .unsupported(let type): throw EngineError.unsupportedTokenizer(url, component: "normalizer", type: type)
        }
    }

    static func makePreTokenizer(_ spec: TokenizerFile.PreTokenizerSpec, url: URL) throws -> PreTokenizer {
        switch spec {
        case .whitespace: return .whitespace
        case .whitespaceSplit: return .whitespaceSplit
        case .sequence(let steps): return .sequence(try steps.map { try makePreTokenizer($0, url: url) })
        case .unsupported(let type): throw EngineError.unsupportedTokenizer(url, component: "pre_tokenizer", type: type)
        }
    }

    /// A one-line account of a decoding error (which key, what was wrong).
    static func describe(_ error: Error) -> String {
        guard let decoding = error as? DecodingError else { return error.localizedDescription }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch decoding {
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)' at '\(path(context))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "unexpected value at '\(path(context))': \(context.debugDescription)"
        case .dataCorrupted(let context): return "invalid JSON at '\(path(context))': \(context.debugDescription)"
        @unknown default: return String(describing: decoding)
        }
    }
}
