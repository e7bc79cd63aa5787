/// Attention under an `AttentionBias`: a weighted sum of masked attentions over one packed
/// `[q | k | v]` buffer, for regional prompting and anything else that reshapes who sees whom.
extension ScaledDotProductAttention {
    /// Scratch for `multiHead(…bias:…)`, owned by a model's workspace.
    public struct BiasScratch: Sendable {
        /// One head's raw scores, kept while each component masks a copy.
        var rawScores = Tensor(shape: [0])
        /// One component's probabilities.
        var probabilities = Tensor(shape: [0])
        /// One component's output for one head, before weighting.
        var componentOutput = Tensor(shape: [0])

        public init() {}
    }

    /// Multi-head attention over `items` sequences of `tokens` rows (packed `[q | k | v]`), where
    /// every item uses `bias` (`bias.tokens == tokens`): for each head, `S = scale·QKᵀ` once, then for
    /// each component `O += w_row · softmax_mask(S + offsets) V`. Only the first `queryTokens` rows are computed.
    /// Writes `[items·tokens, heads·headDim]` (rows past `queryTokens` are left as they were).
    public static func multiHead(packedQKV qkv: UnsafePointer<Float>, items: Int, tokens: Int,
                                 queryTokens: Int? = nil, heads: Int, headDim: Int,
                                 bias: AttentionBias, scratch: inout BiasScratch,
                                 output: UnsafeMutablePointer<Float>) {
        precondition(bias.tokens == tokens, "attention bias over \(bias.tokens) tokens used on \(tokens)")
        let queryCount = Swift.min(queryTokens ?? tokens, tokens)
        let width = heads * headDim
        let scale = 1 / Float(headDim).squareRoot()
        scratch.rawScores.resize(to: [queryCount, tokens])
        scratch.probabilities.resize(to: [queryCount, tokens])
        scratch.componentOutput.resize(to: [queryCount, headDim])
        let raw = scratch.rawScores.writePointer(), probabilities = scratch.probabilities.writePointer()
        let partial = scratch.componentOutput.writePointer()
        for item in 0..<items {
            let rows = qkv + item * tokens * 3 * width
            let out = output + item * tokens * width
            for row in 0..<queryCount { (out + row * width).update(repeating: 0, count: width) }
            for head in 0..<heads {
                let offset = head * headDim
                BLAS.sgemm(transA: false, transB: true, m: queryCount, n: tokens, k: headDim, alpha: scale,
                           a: rows + offset, lda: 3 * width, b: rows + width + offset, ldb: 3 * width,
                           c: raw, ldc: tokens)
                for component in bias.components {
                    probabilities.update(from: raw, count: queryCount * tokens)
                    if let offsets = component.scoreOffsets {
                        offsets.withUnsafeBufferPointer { add in
                            for j in 0..<(queryCount * tokens) { probabilities[j] += add[j] }
                        }
                    }
                    component.allowed.withUnsafeBufferPointer { mask in
                        Kernels.maskedSoftmaxRows(probabilities, rows: queryCount, columns: tokens, stride: tokens,
                                                  mask: mask.baseAddress!, maskStride: tokens)
                    }
                    BLAS.sgemm(m: queryCount, n: headDim, k: tokens,
                               a: probabilities, lda: tokens, b: rows + 2 * width + offset, ldb: 3 * width,
                               c: partial, ldc: headDim)
                    for row in 0..<queryCount {
                        let weight = component.rowWeights[row]
                        guard weight != 0 else { continue }
                        let destination = out + row * width + offset, source = partial + row * headDim
                        for d in 0..<headDim { destination[d] += weight * source[d] }
                    }
                }
            }
        }
    }
}
