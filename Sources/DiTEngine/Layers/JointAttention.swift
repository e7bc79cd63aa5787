/// The MMDiT's joint attention (diffusers `Attention` with `added_kv_proj_dim` and
/// `JointAttnProcessor2_0`): image and text tokens get their own q/k/v projections (`to_q`… and
/// `add_q_proj`…), optional per-head RMS norms (`norm_q`, `norm_k`, `norm_added_q`,
/// `norm_added_k`), then attend together over the concatenation `[image; text]` of each item, and
/// leave through their own output projections (`to_out.0`, `to_add_out`; the latter absent in a
/// `context_pre_only` block, whose text outputs are discarded).
public struct JointAttention: Sendable {
    public let heads: Int
    public let headDim: Int
    public let imageQKV: Linear
    public let contextQKV: Linear
    public let imageOut: Linear
    public let contextOut: Linear?
    public let normQ, normK, normAddedQ, normAddedK: RMSNorm?

    public var width: Int { heads * headDim }

    /// - Parameter rmsNormEps: the qk-norm epsilon, or nil for a model without `qk_norm`.
    public init(_ scope: WeightScope, dimension: Int, heads: Int, headDim: Int,
                contextPreOnly: Bool, rmsNormEps: Float?) throws {
        self.heads = heads
        self.headDim = headDim
        let width = heads * headDim
        func linear(_ name: String) throws -> Linear {
            try Linear(scope.child(name), inFeatures: dimension, outFeatures: width)
        }
        imageQKV = Linear.stacked([try linear("to_q"), try linear("to_k"), try linear("to_v")])
        contextQKV = Linear.stacked([try linear("add_q_proj"), try linear("add_k_proj"), try linear("add_v_proj")])
        imageOut = try Linear(scope.child("to_out.0"), inFeatures: width, outFeatures: dimension)
        contextOut = contextPreOnly ? nil : try Linear(scope.child("to_add_out"), inFeatures: width, outFeatures: dimension)
        if let eps = rmsNormEps {
            normQ = try RMSNorm(scope.child("norm_q"), dimension: headDim, eps: eps)
            normK = try RMSNorm(scope.child("norm_k"), dimension: headDim, eps: eps)
            normAddedQ = try RMSNorm(scope.child("norm_added_q"), dimension: headDim, eps: eps)
            normAddedK = try RMSNorm(scope.child("norm_added_k"), dimension: headDim, eps: eps)
        } else {
            (normQ, normK, normAddedQ, normAddedK) = (nil, nil, nil, nil)
        }
    }

    /// Joint attention for `items` items of `imageTokens` + `contextTokens` rows.
    /// - Parameters:
    ///   - image: `[items·imageTokens, dim]` (already normalised/modulated).
    ///   - context: `[items·contextTokens, dim]`.
    ///   - imageOutput: receives `[items·imageTokens, dim]`.
    ///   - contextOutput: receives `[items·contextTokens, dim]`; ignored without `to_add_out`.
    ///   - bias: masks and blends the attention of every item (nil: plain attention).
    ///   - projected: sees (and may overwrite) the keys and values before the attention.
    public func apply(image: UnsafePointer<Float>, context: UnsafePointer<Float>,
                      items: Int, imageTokens: Int, contextTokens: Int,
                      scratch: inout AttentionScratch,
                      imageOutput: UnsafeMutablePointer<Float>, contextOutput: UnsafeMutablePointer<Float>,
                      bias: AttentionBias? = nil, projected: ((JointKeysValues) -> Void)? = nil) {
        let total = imageTokens + contextTokens
        let dimension = imageQKV.inFeatures
        scratch.qkv.resize(to: [items * total, 3 * width])
        scratch.scores.resize(to: [total, total])
        scratch.heads.resize(to: [items * total, width])
        let packed = scratch.qkv.writePointer()
        for item in 0..<items {
            let imageRows = packed + item * total * 3 * width
            let contextRows = imageRows + imageTokens * 3 * width
            imageQKV.apply(rows: imageTokens, input: image + item * imageTokens * dimension, inputStride: dimension,
                           output: imageRows, outputStride: 3 * width)
            contextQKV.apply(rows: contextTokens, input: context + item * contextTokens * dimension, inputStride: dimension,
                             output: contextRows, outputStride: 3 * width)
            normalize(imageRows, rows: imageTokens, query: normQ, key: normK)
            normalize(contextRows, rows: contextTokens, query: normAddedQ, key: normAddedK)
        }
        projected?(JointKeysValues(packed: packed, items: items, imageTokens: imageTokens,
                                   contextTokens: contextTokens, width: width))
        let attended = scratch.heads.writePointer()
        let queryTokens = contextOut == nil ? imageTokens : total
        if let bias {
            ScaledDotProductAttention.multiHead(packedQKV: packed, items: items, tokens: total,
                                                queryTokens: queryTokens, heads: heads, headDim: headDim,
                                                bias: bias, scratch: &scratch.bias, output: attended)
        } else {
            ScaledDotProductAttention.multiHead(packedQKV: packed, items: items, tokens: total,
                                                queryTokens: queryTokens, heads: heads, headDim: headDim,
                                                causal: false, scores: scratch.scores.writePointer(), output: attended)
        }
        for item in 0..<items {
            let rows = attended + item * total * width
            imageOut.apply(rows: imageTokens, input: rows, inputStride: width,
                           output: imageOutput + item * imageTokens * dimension, outputStride: dimension)
            contextOut?.apply(rows: contextTokens, input: rows + imageTokens * width, inputStride: width,
                              output: contextOutput + item * contextTokens * dimension, outputStride: dimension)
        }
    }

    private func normalize(_ rows: UnsafeMutablePointer<Float>, rows count: Int, query: RMSNorm?, key: RMSNorm?) {
        if let query {
            ScaledDotProductAttention.normalizeHeads(rows, rows: count, block: 0, heads: heads, headDim: headDim, norm: query)
        }
        if let key {
            ScaledDotProductAttention.normalizeHeads(rows, rows: count, block: 1, heads: heads, headDim: headDim, norm: key)
        }
    }
}
