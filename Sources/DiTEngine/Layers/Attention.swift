/// Scaled dot-product attention over row-strided views, the core shared by CLIP's causal
/// self-attention and the MMDiT's joint attention.
///
/// Per head: `S = scale · Q Kᵀ` (one sgemm), a max-subtracted row softmax (causal rows stop at
/// the diagonal, the rest of the row is 0 exactly as `-inf` masking gives), `O = S V` (one sgemm).
/// Q, K, V and O are read/written in place inside packed buffers through leading dimensions, so
/// heads are never transposed into separate arrays.
public enum ScaledDotProductAttention {
    /// Attention for one head of one sequence.
    /// - Parameters:
    ///   - queries: `queryCount` rows of `headDim` floats, `queryStride` apart.
    ///   - keys, values: `keyCount` rows each, `keyStride` / `valueStride` apart.
    ///   - scores: scratch of at least `queryCount · keyCount` floats.
    ///   - output: `queryCount` rows, `outputStride` apart.
    public static func attend(queries: UnsafePointer<Float>, queryStride: Int, queryCount: Int,
                              keys: UnsafePointer<Float>, keyStride: Int,
                              values: UnsafePointer<Float>, valueStride: Int, keyCount: Int,
                              headDim: Int, scale: Float, causal: Bool,
                              scores: UnsafeMutablePointer<Float>,
                              output: UnsafeMutablePointer<Float>, outputStride: Int) {
        BLAS.sgemm(transA: false, transB: true, m: queryCount, n: keyCount, k: headDim, alpha: scale,
                   a: queries, lda: queryStride, b: keys, ldb: keyStride,
                   c: scores, ldc: keyCount)
        if causal {
            Kernels.softmaxRows(scores, rows: queryCount, length: { Swift.min($0 + 1, keyCount) },
                                columns: keyCount, stride: keyCount)
        } else {
            Kernels.softmaxRows(scores, rows: queryCount, length: { _ in keyCount },
                                columns: keyCount, stride: keyCount)
        }
        BLAS.sgemm(m: queryCount, n: headDim, k: keyCount,
                   a: scores, lda: keyCount, b: values, ldb: valueStride,
                   c: output, ldc: outputStride)
    }

    /// Multi-head self-attention over `items` sequences of `tokens` rows held in a packed buffer
    /// whose rows are `[q (heads·headDim) | k | v]`; writes `[items·tokens, heads·headDim]`.
    /// Only the first `queryTokens` rows of each sequence (default: all) are computed as queries,
    /// for blocks whose remaining outputs are discarded. `scores` must hold `tokens²` floats.
    public static func multiHead(packedQKV qkv: UnsafePointer<Float>, items: Int, tokens: Int,
                                 queryTokens: Int? = nil,
                                 heads: Int, headDim: Int, causal: Bool,
                                 scores: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let queryCount = Swift.min(queryTokens ?? tokens, tokens)
        let width = heads * headDim
        let scale = 1 / Float(headDim).squareRoot()
        for item in 0..<items {
            let rows = qkv + item * tokens * 3 * width
            let out = output + item * tokens * width
            for head in 0..<heads {
                let offset = head * headDim
                attend(queries: rows + offset, queryStride: 3 * width, queryCount: queryCount,
                       keys: rows + width + offset, keyStride: 3 * width,
                       values: rows + 2 * width + offset, valueStride: 3 * width, keyCount: tokens,
                       headDim: headDim, scale: scale, causal: causal,
                       scores: scores, output: out + offset, outputStride: width)
            }
        }
    }

    /// Applies `norm` to each head's slice of the q (`column` 0) or k (`column` 1) block of
    /// `rows` packed `[q | k | v]` rows.
    static func normalizeHeads(_ qkv: UnsafeMutablePointer<Float>, rows: Int, block: Int,
                               heads: Int, headDim: Int, norm: RMSNorm) {
        let width = heads * headDim
        for row in 0..<rows {
            norm.apply(rows: heads, qkv + row * 3 * width + block * width, stride: headDim)
        }
    }
}

/// Reusable buffers for attention layers, owned by a model's workspace.
public struct AttentionScratch: Sendable {
    /// Packed `[q | k | v]` rows.
    public var qkv = Tensor(shape: [0])
    /// One head's score matrix.
    public var scores = Tensor(shape: [0])
    /// Attention output before the output projection, heads side by side.
    public var heads = Tensor(shape: [0])
    /// Buffers of attention under an `AttentionBias`.
    public var bias = ScaledDotProductAttention.BiasScratch()

    public init() {}
}

/// Multi-head self-attention with q/k/v/out projections and an optional per-head RMS q/k norm.
/// Covers transformers' `CLIPAttention` (`q_proj`, …, `out_proj`) and diffusers' `Attention`
/// without added projections (`to_q`, …, `to_out.0`, `norm_q`, `norm_k`).
public struct SelfAttention: Sendable {
    /// The weight names of one family's attention module.
    public struct Names: Sendable {
        public var query, key, value, out: String
        public var queryNorm, keyNorm: String
        public static let clip = Names(query: "q_proj", key: "k_proj", value: "v_proj", out: "out_proj",
                                       queryNorm: "", keyNorm: "")
        public static let diffusers = Names(query: "to_q", key: "to_k", value: "to_v", out: "to_out.0",
                                            queryNorm: "norm_q", keyNorm: "norm_k")
    }

    public let heads: Int
    public let headDim: Int
    /// q, k and v stacked into one layer `[3·width, dim]`.
    public let qkv: Linear
    public let out: Linear
    public let queryNorm: RMSNorm?
    public let keyNorm: RMSNorm?

    public var width: Int { heads * headDim }

    public init(_ scope: WeightScope, dimension: Int, heads: Int, headDim: Int, names: Names,
                rmsNormEps: Float? = nil) throws {
        self.heads = heads
        self.headDim = headDim
        let width = heads * headDim
        qkv = Linear.stacked([
            try Linear(scope.child(names.query), inFeatures: dimension, outFeatures: width),
            try Linear(scope.child(names.key), inFeatures: dimension, outFeatures: width),
            try Linear(scope.child(names.value), inFeatures: dimension, outFeatures: width),
        ])
        out = try Linear(scope.child(names.out), inFeatures: width, outFeatures: dimension)
        if let eps = rmsNormEps {
            queryNorm = try RMSNorm(scope.child(names.queryNorm), dimension: headDim, eps: eps)
            keyNorm = try RMSNorm(scope.child(names.keyNorm), dimension: headDim, eps: eps)
        } else {
            queryNorm = nil
            keyNorm = nil
        }
    }

    /// Attention within each of `items` sequences of `tokens` contiguous rows of `input`; the
    /// projected result goes to `output` (`[items·tokens, dim]`), added to it with `accumulate`.
    public func apply(input: UnsafePointer<Float>, items: Int, tokens: Int, causal: Bool,
                      scratch: inout AttentionScratch,
                      output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let rows = items * tokens
        scratch.qkv.resize(to: [rows, 3 * width])
        scratch.scores.resize(to: [tokens, tokens])
        scratch.heads.resize(to: [rows, width])
        let packed = scratch.qkv.writePointer()
        qkv.apply(rows: rows, input: input, inputStride: qkv.inFeatures, output: packed, outputStride: 3 * width)
        if let queryNorm { ScaledDotProductAttention.normalizeHeads(packed, rows: rows, block: 0, heads: heads, headDim: headDim, norm: queryNorm) }
        if let keyNorm { ScaledDotProductAttention.normalizeHeads(packed, rows: rows, block: 1, heads: heads, headDim: headDim, norm: keyNorm) }
        let attended = scratch.heads.writePointer()
        ScaledDotProductAttention.multiHead(packedQKV: packed, items: items, tokens: tokens, heads: heads,
                                            headDim: headDim, causal: causal,
                                            scores: scratch.scores.writePointer(), output: attended)
        out.apply(rows: rows, input: attended, inputStride: width, output: output,
                  outputStride: out.outFeatures, accumulate: accumulate)
    }
}
