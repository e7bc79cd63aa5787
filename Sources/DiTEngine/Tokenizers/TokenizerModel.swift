/// The model stage of a tokenizer: turns one pre-tokenised word into ids. WordLevel maps whole
/// words; a BPE model (CLIP's) would split a word into merges — callers of `Tokenizer` do not change.
public protocol TokenizerModel: Sendable {
    /// The ids of `word`, and whether it (or part of it) was unknown to the vocabulary.
    func tokenize(_ word: String) -> (ids: [Int], unknown: Bool)
    /// The id of a token string, if it is in the vocabulary.
    func id(of token: String) -> Int?
}

/// A whole-word vocabulary with an unknown token (`tokenizers` `WordLevel`).
public struct WordLevelModel: TokenizerModel {
    public let vocabulary: [String: Int]
    public let unknownID: Int

    public init(vocabulary: [String: Int], unknownID: Int) {
        self.vocabulary = vocabulary
        self.unknownID = unknownID
    }

    public func tokenize(_ word: String) -> (ids: [Int], unknown: Bool) {
        if let id = vocabulary[word] { return ([id], false) }
        return ([unknownID], true)
    }

    public func id(of token: String) -> Int? { vocabulary[token] }
}
