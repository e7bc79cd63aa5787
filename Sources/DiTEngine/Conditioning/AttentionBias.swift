/// A change to one joint attention: instead of one softmax over every key, each query row's output
/// is a weighted sum of several masked attentions over the same queries, keys and values.
///
/// One component with no mask and weight 1 everywhere is plain attention. Regional prompting uses
/// two: a regional component (each region's text sees only its region's image tokens) and a base
/// component (image tokens and the base prompt's text), blended on the image rows. Masked entries
/// get exactly zero weight, as a boolean mask in `torch.nn.functional.scaled_dot_product_attention`
/// gives; every row that is computed must allow at least one key. A component may also add a
/// constant to allowed scores before the softmax (a float mask in `scaled_dot_product_attention`),
/// which is how regional prompting strengthens the pull of a region's text on its image tokens.
public struct AttentionBias: Sendable, Equatable {
    /// One masked attention and the weight of its output in each query row.
    public struct Component: Sendable, Equatable {
        /// `tokens` weights, one per query row; a row weighted 0 is not computed by this component.
        public let rowWeights: [Float]
        /// `tokens × tokens` entries, query-major: 1 where the query may attend to the key.
        public let allowed: [UInt8]
        /// `tokens × tokens` addends to the scaled scores of allowed entries, or nil for none.
        public let scoreOffsets: [Float]?

        public init(rowWeights: [Float], allowed: [UInt8], scoreOffsets: [Float]? = nil) {
            let tokens = rowWeights.count
            precondition(allowed.count == tokens * tokens,
                         "an attention mask over \(tokens) tokens needs \(tokens * tokens) entries, got \(allowed.count)")
            for row in 0..<tokens where rowWeights[row] != 0 {
                precondition(allowed[(row * tokens)..<((row + 1) * tokens)].contains(1),
                             "query row \(row) has a weight but may attend to no key")
            }
            precondition(scoreOffsets.map { $0.count == tokens * tokens && $0.allSatisfy(\.isFinite) } ?? true,
                         "score offsets over \(tokens) tokens need \(tokens * tokens) finite entries")
            self.rowWeights = rowWeights
            self.allowed = allowed
            self.scoreOffsets = scoreOffsets
        }

        /// Whether query `query` may attend to key `key`.
        public func allows(query: Int, key: Int) -> Bool {
            allowed[query * rowWeights.count + key] != 0
        }
    }

    /// Tokens of the sequence (image tokens first, then text, the SD3 order).
    public let tokens: Int
    public let components: [Component]

    public init(components: [Component]) {
        precondition(!components.isEmpty, "an attention bias needs at least one component")
        let tokens = components[0].rowWeights.count
        precondition(components.allSatisfy { $0.rowWeights.count == tokens },
                     "every component of an attention bias must cover the same tokens")
        self.tokens = tokens
        self.components = components
    }
}
