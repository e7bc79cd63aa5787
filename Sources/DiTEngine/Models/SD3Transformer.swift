import Foundation

/// diffusers' `SD3Transformer2DModel` — the MMDiT of SD3/SD3.5 — on the CPU.
///
/// Image latents are cut into patches (plus a cropped 2D sin-cos position embedding), the
/// timestep and pooled text embedding form one conditioning vector, and a stack of joint blocks
/// lets image and text tokens attend together, each stream modulated by adaLN-Zero. The output
/// norm and projection give the velocity, which is folded back into the latent's shape.
///
/// All the batch's tokens go through each linear layer in one `sgemm`; scratch buffers live in a
/// workspace that is reused across calls, so repeated forwards of one size allocate almost nothing.
/// A model is not safe for concurrent use: one thread (the worker that owns it) at a time.
public final class SD3Transformer: @unchecked Sendable {
    public let config: SD3TransformerConfig
    let patchEmbed: PatchEmbedding
    let timestepEmbedder: TimestepEmbedding
    let textEmbedder: TextProjection
    let contextEmbedder: Linear
    let blocks: [JointTransformerBlock]
    let normOut: AdaLayerNormContinuous
    let projOut: Linear
    private let workspace = SD3Workspace()

    /// Builds the model from `config`, loading every weight from `weights` and checking that no
    /// tensor is missing, misshapen or left over.
    public init(config: SD3TransformerConfig, weights: WeightLoader) throws {
        BLAS.selectKernelsForThisCPU()
        self.config = config
        let root = weights.root
        let dim = config.innerDim
        patchEmbed = try PatchEmbedding(root.child("pos_embed"), patchSize: config.patchSize,
                                        inChannels: config.inChannels, dimension: dim,
                                        sampleSize: config.sampleSize, maxSize: config.posEmbedMaxSize)
        timestepEmbedder = try TimestepEmbedding(root.child("time_text_embed.timestep_embedder"),
                                                 frequencyDimension: 256, embeddingDimension: dim,
                                                 flipSinToCos: true, downscaleFrequencyShift: 0)
        textEmbedder = try TextProjection(root.child("time_text_embed.text_embedder"),
                                          inFeatures: config.pooledProjectionDim, hidden: dim)
        contextEmbedder = try Linear(root.child("context_embedder"), inFeatures: config.jointAttentionDim,
                                     outFeatures: config.captionProjectionDim)
        blocks = try (0..<config.numLayers).map { index in
            try JointTransformerBlock(root.child("transformer_blocks.\(index)"), config: config,
                                      contextPreOnly: index == config.numLayers - 1,
                                      dualAttention: config.dualAttentionLayers.contains(index))
        }
        normOut = try AdaLayerNormContinuous(root.child("norm_out"), dimension: dim, conditioningDimension: dim)
        projOut = try Linear(root.child("proj_out"), inFeatures: dim,
                             outFeatures: config.patchSize * config.patchSize * config.outChannels)
        try weights.verifyAllUsed()
    }

    /// The velocity (v-prediction) for a batch.
    /// - Parameters:
    ///   - x: latents `[B, C, H, W]`, H and W multiples of the patch size.
    ///   - timesteps: `B` values, `1000·σ`.
    ///   - context: text tokens `[B, L, joint_attention_dim]` (CLIP's penultimate hidden states).
    ///   - pooled: `[B, pooled_projection_dim]`.
    ///   - forward: the step this forward belongs to and the hooks its blocks consult.
    /// - Returns: `[B, out_channels, H, W]`.
    public func forward(x: Tensor, timesteps: [Float], context: Tensor, pooled: Tensor,
                        forward: ForwardContext = .plain) throws -> Tensor {
        let batch = x.shape.first ?? 0
        guard x.rank == 4, batch > 0 else {
            throw EngineError.invalidInput("transformer input must be [batch, channels, height, width], got \(x.shape)")
        }
        guard timesteps.count == batch else {
            throw EngineError.invalidInput("transformer got \(timesteps.count) timesteps for a batch of \(batch)")
        }
        guard context.rank == 3, context.shape[0] == batch, context.shape[2] == config.jointAttentionDim,
              context.shape[1] > 0 else {
            throw EngineError.invalidInput("transformer context must be [\(batch), tokens, \(config.jointAttentionDim)], got \(context.shape)")
        }
        guard pooled.shape == [batch, config.pooledProjectionDim] else {
            throw EngineError.invalidInput("transformer pooled embedding must be [\(batch), \(config.pooledProjectionDim)], got \(pooled.shape)")
        }
        let ws = workspace
        let dim = config.innerDim
        let p = config.patchSize
        let (height, width) = (x.shape[2], x.shape[3])
        try patchEmbed.apply(x, patches: &ws.patches, output: &ws.image)
        let imageTokens = (height / p) * (width / p)
        let contextTokens = context.shape[1]

        // Conditioning: silu(timestep MLP + pooled-text MLP), shared by every adaLN.
        var conditioning = timestepEmbedder(timesteps)
        conditioning.add(textEmbedder(pooled))
        ws.siluConditioning = Activation.silu(conditioning)

        contextEmbedder.apply(context, into: &ws.context)
        ws.context = ws.context.reshaped([batch * contextTokens, dim])

        if let hooks = forward.hooks {
            let input = BlockStreams(image: ws.image.writePointer(), context: ws.context.writePointer(),
                                     items: batch, imageTokens: imageTokens, contextTokens: contextTokens,
                                     dimension: dim)
            hooks.blocksWillRun(context: forward, input: BlockStackInput(streams: input) { [blocks] in
                blocks.first?.modulatedImageInput(ws, items: batch, imageTokens: imageTokens)
            })
            for (index, block) in blocks.enumerated() {
                let streams = BlockStreams(image: ws.image.writePointer(), context: ws.context.writePointer(),
                                           items: batch, imageTokens: imageTokens, contextTokens: contextTokens,
                                           dimension: dim)
                guard hooks.blockWillRun(index, context: forward, streams: streams) else { continue }
                block.apply(ws, items: batch, imageTokens: imageTokens, contextTokens: contextTokens,
                            bias: hooks.attentionBias(block: index, context: forward),
                            projected: { hooks.keysAndValues(block: index, context: forward, $0) })
                hooks.blockDidRun(index, context: forward, streams: streams)
            }
            hooks.blocksDidRun(context: forward, streams: BlockStreams(
                image: ws.image.writePointer(), context: ws.context.writePointer(), items: batch,
                imageTokens: imageTokens, contextTokens: contextTokens, dimension: dim))
        } else {
            for block in blocks {
                block.apply(ws, items: batch, imageTokens: imageTokens, contextTokens: contextTokens)
            }
        }

        // Output norm (scale, shift order), projection, unpatchify.
        normOut.linear.apply(ws.siluConditioning, into: &ws.modulation)
        ws.normImage.resize(to: [batch * imageTokens, dim])
        normOut.apply(items: batch, tokens: imageTokens, input: ws.image.readPointer,
                      modulation: ws.modulation.readPointer, output: ws.normImage.writePointer())
        projOut.apply(ws.normImage, into: &ws.projected)
        return unpatchify(ws.projected, batch: batch, height: height, width: width)
    }

    /// `[B·h·w, p·p·C]` with features ordered `(py, px, c)` → `[B, C, h·p, w·p]`
    /// (diffusers' `einsum("nhwpqc->nchpwq")`).
    private func unpatchify(_ projected: Tensor, batch: Int, height: Int, width: Int) -> Tensor {
        let p = config.patchSize, channels = config.outChannels
        let (gridH, gridW) = (height / p, width / p)
        var output = Tensor(shape: [batch, channels, height, width])
        let out = output.writePointer(), source = projected.readPointer
        for b in 0..<batch {
            for gy in 0..<gridH {
                for gx in 0..<gridW {
                    let token = source + ((b * gridH + gy) * gridW + gx) * p * p * channels
                    for py in 0..<p {
                        for px in 0..<p {
                            let features = token + (py * p + px) * channels
                            let pixel = out + (b * channels * height + gy * p + py) * width + gx * p + px
                            for c in 0..<channels { pixel[c * height * width] = features[c] }
                        }
                    }
                }
            }
        }
        return output
    }
}

/// Scratch buffers of one `SD3Transformer`, resized (not reallocated) from call to call.
final class SD3Workspace {
    var patches = Tensor(shape: [0])
    /// Image tokens `[B·N, dim]`, updated in place block by block.
    var image = Tensor(shape: [0])
    /// Text tokens `[B·L, dim]`.
    var context = Tensor(shape: [0])
    var siluConditioning = Tensor(shape: [0])
    var modulation = Tensor(shape: [0])
    var contextModulation = Tensor(shape: [0])
    var normImage = Tensor(shape: [0])
    var normImage2 = Tensor(shape: [0])
    var normContext = Tensor(shape: [0])
    var imageDelta = Tensor(shape: [0])
    var contextDelta = Tensor(shape: [0])
    var feedForwardHidden = Tensor(shape: [0])
    var attention = AttentionScratch()
    var projected = Tensor(shape: [0])
}

/// diffusers' `JointTransformerBlock`: adaLN-Zero on the image stream (`norm1`, 6 or — with dual
/// attention — 9 chunks), adaLN-Zero on the text stream (`norm1_context`) or, in the last,
/// `context_pre_only` block, `AdaLayerNormContinuous`; joint attention; for SD3.5 a second
/// image-only attention (`attn2`); tanh-GELU feed-forwards `ff` and `ff_context`.
struct JointTransformerBlock {
    typealias Chunk = AdaLayerNormZero.Chunk
    let dimension: Int
    let norm1: AdaLayerNormZero
    let norm1ContextZero: AdaLayerNormZero?
    let norm1ContextContinuous: AdaLayerNormContinuous?
    let attention: JointAttention
    let attention2: SelfAttention?
    let feedForward: FeedForward
    let feedForwardContext: FeedForward?
    let eps: Float = 1e-6

    init(_ scope: WeightScope, config: SD3TransformerConfig, contextPreOnly: Bool, dualAttention: Bool) throws {
        let dim = config.innerDim
        dimension = dim
        let qkEps: Float? = config.qkNorm == nil ? nil : 1e-6
        norm1 = try AdaLayerNormZero(scope.child("norm1"), dimension: dim, dualAttention: dualAttention)
        if contextPreOnly {
            norm1ContextZero = nil
            norm1ContextContinuous = try AdaLayerNormContinuous(scope.child("norm1_context"), dimension: dim,
                                                                conditioningDimension: dim)
        } else {
            norm1ContextZero = try AdaLayerNormZero(scope.child("norm1_context"), dimension: dim)
            norm1ContextContinuous = nil
        }
        attention = try JointAttention(scope.child("attn"), dimension: dim, heads: config.numAttentionHeads,
                                       headDim: config.attentionHeadDim, contextPreOnly: contextPreOnly,
                                       rmsNormEps: qkEps)
        attention2 = dualAttention
            ? try SelfAttention(scope.child("attn2"), dimension: dim, heads: config.numAttentionHeads,
                                headDim: config.attentionHeadDim, names: .diffusers, rmsNormEps: qkEps)
            : nil
        feedForward = try FeedForward.diffusers(scope.child("ff"), dimension: dim, activation: .geluTanh)
        feedForwardContext = contextPreOnly
            ? nil : try FeedForward.diffusers(scope.child("ff_context"), dimension: dim, activation: .geluTanh)
    }

    /// The image stream's input to the joint attention, `LN(image)·(1 + scale_msa) + shift_msa`, in
    /// the workspace's `normImage` (which `apply` overwrites; the image stream is left as it is).
    func modulatedImageInput(_ ws: SD3Workspace, items: Int, imageTokens: Int) -> UnsafePointer<Float> {
        let dim = dimension
        norm1.linear.apply(ws.siluConditioning, into: &ws.modulation)
        ws.normImage.resize(to: [items * imageTokens, dim])
        let image = ws.image.readPointer, normImage = ws.normImage.writePointer()
        let modulation = ws.modulation.readPointer, chunks = norm1.chunks
        for item in 0..<items {
            AdaptiveModulation.layerNormModulate(
                rows: imageTokens, dimension: dim, eps: eps, input: image + item * imageTokens * dim,
                scale: modulation + (item * chunks + Chunk.scaleMSA.rawValue) * dim,
                shift: modulation + (item * chunks + Chunk.shiftMSA.rawValue) * dim,
                output: normImage + item * imageTokens * dim)
        }
        return UnsafePointer(normImage)
    }

    /// Runs the block on the workspace's `image` and `context` tokens, in place; `bias` and
    /// `projected` reach its joint attention (see `JointAttention.apply`).
    func apply(_ ws: SD3Workspace, items: Int, imageTokens: Int, contextTokens: Int,
               bias: AttentionBias? = nil, projected: ((JointKeysValues) -> Void)? = nil) {
        let dim = dimension
        let imageRows = items * imageTokens, contextRows = items * contextTokens
        norm1.linear.apply(ws.siluConditioning, into: &ws.modulation)
        if let zero = norm1ContextZero {
            zero.linear.apply(ws.siluConditioning, into: &ws.contextModulation)
        } else if let continuous = norm1ContextContinuous {
            continuous.linear.apply(ws.siluConditioning, into: &ws.contextModulation)
        }
        ws.normImage.resize(to: [imageRows, dim])
        ws.normContext.resize(to: [contextRows, dim])
        ws.imageDelta.resize(to: [imageRows, dim])
        ws.contextDelta.resize(to: [contextRows, dim])
        if attention2 != nil { ws.normImage2.resize(to: [imageRows, dim]) }

        let image = ws.image.writePointer(), context = ws.context.writePointer()
        let normImage = ws.normImage.writePointer(), normContext = ws.normContext.writePointer()
        let imageDelta = ws.imageDelta.writePointer(), contextDelta = ws.contextDelta.writePointer()
        let modulation = ws.modulation.readPointer, contextModulation = ws.contextModulation.readPointer
        let chunks = norm1.chunks
        /// The chunk `c` of item `i`'s image modulation.
        func imageChunk(_ item: Int, _ chunk: Chunk) -> UnsafePointer<Float> {
            modulation + (item * chunks + chunk.rawValue) * dim
        }
        func contextChunk(_ item: Int, _ chunk: Int) -> UnsafePointer<Float> {
            contextModulation + (item * (norm1ContextZero == nil ? 2 : 6) + chunk) * dim
        }

        // Pre-attention norms.
        for item in 0..<items {
            let rows = image + item * imageTokens * dim
            AdaptiveModulation.layerNormModulate(rows: imageTokens, dimension: dim, eps: eps, input: rows,
                                                 scale: imageChunk(item, .scaleMSA), shift: imageChunk(item, .shiftMSA),
                                                 output: normImage + item * imageTokens * dim)
            if attention2 != nil {
                AdaptiveModulation.layerNormModulate(rows: imageTokens, dimension: dim, eps: eps, input: rows,
                                                     scale: imageChunk(item, .scaleMSA2), shift: imageChunk(item, .shiftMSA2),
                                                     output: ws.normImage2.writePointer() + item * imageTokens * dim)
            }
            let contextRowsOfItem = context + item * contextTokens * dim
            // adaLN-Zero chunks: shift 0, scale 1; the continuous norm's: scale 0, shift 1.
            let (scale, shift) = norm1ContextZero != nil ? (1, 0) : (0, 1)
            AdaptiveModulation.layerNormModulate(rows: contextTokens, dimension: dim, eps: eps,
                                                 input: contextRowsOfItem,
                                                 scale: contextChunk(item, scale), shift: contextChunk(item, shift),
                                                 output: normContext + item * contextTokens * dim)
        }

        attention.apply(image: normImage, context: normContext, items: items, imageTokens: imageTokens,
                        contextTokens: contextTokens, scratch: &ws.attention,
                        imageOutput: imageDelta, contextOutput: contextDelta,
                        bias: bias, projected: projected)
        for item in 0..<items {
            Kernels.addGated(image + item * imageTokens * dim, imageDelta + item * imageTokens * dim,
                             gate: imageChunk(item, .gateMSA), rows: imageTokens, columns: dim)
        }

        if let attention2 {
            attention2.apply(input: ws.normImage2.readPointer, items: items, tokens: imageTokens, causal: false,
                             scratch: &ws.attention, output: imageDelta, accumulate: false)
            for item in 0..<items {
                Kernels.addGated(image + item * imageTokens * dim, imageDelta + item * imageTokens * dim,
                                 gate: imageChunk(item, .gateMSA2), rows: imageTokens, columns: dim)
            }
        }

        // Image feed-forward.
        for item in 0..<items {
            AdaptiveModulation.layerNormModulate(rows: imageTokens, dimension: dim, eps: eps,
                                                 input: image + item * imageTokens * dim,
                                                 scale: imageChunk(item, .scaleMLP), shift: imageChunk(item, .shiftMLP),
                                                 output: normImage + item * imageTokens * dim)
        }
        feedForward.apply(rows: imageRows, input: normImage, hidden: &ws.feedForwardHidden,
                          output: imageDelta, accumulate: false)
        for item in 0..<items {
            Kernels.addGated(image + item * imageTokens * dim, imageDelta + item * imageTokens * dim,
                             gate: imageChunk(item, .gateMLP), rows: imageTokens, columns: dim)
        }

        // Text stream (dropped after the last block).
        guard let feedForwardContext else { return }
        for item in 0..<items {
            let rows = context + item * contextTokens * dim
            Kernels.addGated(rows, contextDelta + item * contextTokens * dim,
                             gate: contextChunk(item, Chunk.gateMSA.rawValue), rows: contextTokens, columns: dim)
            AdaptiveModulation.layerNormModulate(rows: contextTokens, dimension: dim, eps: eps, input: rows,
                                                 scale: contextChunk(item, Chunk.scaleMLP.rawValue),
                                                 shift: contextChunk(item, Chunk.shiftMLP.rawValue),
                                                 output: normContext + item * contextTokens * dim)
        }
        feedForwardContext.apply(rows: contextRows, input: normContext, hidden: &ws.feedForwardHidden,
                                 output: contextDelta, accumulate: false)
        for item in 0..<items {
            Kernels.addGated(context + item * contextTokens * dim, contextDelta + item * contextTokens * dim,
                             gate: contextChunk(item, Chunk.gateMLP.rawValue), rows: contextTokens, columns: dim)
        }
    }
}
