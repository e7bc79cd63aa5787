import Foundation

/// The text conditioning the transformer consumes for one prompt.
public struct TextConditioning: Sendable {
    /// `[L, D]`: CLIP's penultimate hidden states (`hidden_states[-2]`), the transformer's context.
    public var context: Tensor
    /// `[P]`: the pooled embedding (`text_embeds`; the pooler output for a model without projection).
    public var pooled: Tensor

    public init(context: Tensor, pooled: Tensor) {
        self.context = context
        self.pooled = pooled
    }
}

/// The configuration of a transformers `CLIPTextModel` / `CLIPTextModelWithProjection`, read from
/// `text_encoder/config.json` with transformers' defaults for absent keys.
public struct CLIPTextConfig: Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var maxPositionEmbeddings: Int
    public var activation: Activation
    public var layerNormEps: Float
    /// The width of `text_projection`; used only by the with-projection model.
    public var projectionDim: Int
    /// The token whose first occurrence is pooled; 2 selects the legacy "largest id" rule.
    public var eosTokenID: Int
    /// Whether the model has `text_projection` (`CLIPTextModelWithProjection`).
    public var withProjection: Bool

    public init(vocabSize: Int = 49408, hiddenSize: Int = 512, intermediateSize: Int = 2048,
                numHiddenLayers: Int = 12, numAttentionHeads: Int = 8, maxPositionEmbeddings: Int = 77,
                activation: Activation = .quickGelu, layerNormEps: Float = 1e-5, projectionDim: Int = 512,
                eosTokenID: Int = 49407, withProjection: Bool = true) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.activation = activation
        self.layerNormEps = layerNormEps
        self.projectionDim = projectionDim
        self.eosTokenID = eosTokenID
        self.withProjection = withProjection
    }

    /// Reads a transformers config, refusing what this engine would compute differently.
    public init(_ config: ModelConfig) throws {
        if let type = try config.optionalString("model_type"), type != "clip_text_model" {
            throw EngineError.unsupportedConfig(file: config.name, key: "model_type", value: "\"\(type)\"")
        }
        var withProjection = true
        if case .array(let names)? = config.values["architectures"] {
            let architectures = names.compactMap { value -> String? in
                if case .string(let name) = value { return name } else { return nil }
            }
            if architectures.contains("CLIPTextModelWithProjection") {
                withProjection = true
            } else if architectures.contains("CLIPTextModel") {
                withProjection = false
            } else {
                throw EngineError.unsupportedConfig(file: config.name, key: "architectures",
                                                    value: config.values["architectures"]!.summary)
            }
        }
        let activationName = try config.optionalString("hidden_act") ?? "quick_gelu"
        guard let activation = Activation(configName: activationName) else {
            throw EngineError.unsupportedConfig(file: config.name, key: "hidden_act", value: "\"\(activationName)\"")
        }
        self.init(vocabSize: try config.int("vocab_size", default: 49408),
                  hiddenSize: try config.int("hidden_size", default: 512),
                  intermediateSize: try config.int("intermediate_size", default: 2048),
                  numHiddenLayers: try config.int("num_hidden_layers", default: 12),
                  numAttentionHeads: try config.int("num_attention_heads", default: 8),
                  maxPositionEmbeddings: try config.int("max_position_embeddings", default: 77),
                  activation: activation,
                  layerNormEps: try config.float("layer_norm_eps", default: 1e-5),
                  projectionDim: try config.int("projection_dim", default: 512),
                  eosTokenID: try config.int("eos_token_id", default: 49407, allowZero: true),
                  withProjection: withProjection)
        guard hiddenSize % numAttentionHeads == 0 else {
            throw EngineError.invalidConfig(file: config.name, key: "num_attention_heads",
                                            reason: "must divide hidden_size \(hiddenSize), got \(numAttentionHeads)")
        }
        guard layerNormEps > 0 else {
            throw EngineError.invalidConfig(file: config.name, key: "layer_norm_eps", reason: "must be > 0")
        }
    }
}

/// Everything one CLIP forward produces, each without the batch dimension.
public struct CLIPTextOutput: Sendable {
    /// `num_hidden_layers + 1` tensors `[L, D]`: the embeddings, then each layer's output (the
    /// last one before the final layer norm), as transformers' `hidden_states`.
    public var hiddenStates: [Tensor]
    /// `[L, D]`: the final-layer-normed output of the last layer.
    public var lastHiddenState: Tensor
    /// The position pooled (first `<eos>`, or the largest id when `eos_token_id == 2`).
    public var pooledIndex: Int
    /// `[D]`: `lastHiddenState[pooledIndex]`.
    public var poolerOutput: Tensor
    /// `[P]`: `text_projection(poolerOutput)`; nil without projection.
    public var textEmbeds: Tensor?

    /// `hidden_states[-2]`, the SD3 context.
    public var penultimateHiddenState: Tensor { hiddenStates[hiddenStates.count - 2] }
}

/// transformers' `CLIPTextModel` / `CLIPTextModelWithProjection`: token + position embeddings,
/// pre-norm layers with causal self-attention and a quick-GELU MLP, final layer norm, pooling and
/// the bias-free projection. Not safe for concurrent use: one thread at a time.
public final class CLIPTextEncoder: @unchecked Sendable {
    public let config: CLIPTextConfig
    let tokenEmbedding: Tensor
    let positionEmbedding: Tensor
    let layers: [CLIPEncoderLayer]
    let finalLayerNorm: LayerNorm
    let projection: Linear?
    private var scratch = AttentionScratch()
    private var mlpHidden = Tensor(shape: [0])

    /// Builds the model, loading weights named as transformers saves them (with or without the
    /// `text_model.` prefix), and checks that no tensor is missing, misshapen or left over.
    public init(config: CLIPTextConfig, weights: WeightLoader) throws {
        BLAS.selectKernelsForThisCPU()
        self.config = config
        let usesPrefix = weights.contains("text_model.embeddings.token_embedding.weight")
        let model = usesPrefix ? weights.root.child("text_model") : weights.root
        let dim = config.hiddenSize
        tokenEmbedding = try model.tensor("embeddings.token_embedding.weight", shape: [config.vocabSize, dim])
        positionEmbedding = try model.tensor("embeddings.position_embedding.weight",
                                             shape: [config.maxPositionEmbeddings, dim])
        layers = try (0..<config.numHiddenLayers).map { index in
            try CLIPEncoderLayer(model.child("encoder.layers.\(index)"), config: config)
        }
        finalLayerNorm = try LayerNorm(model.child("final_layer_norm"), dimension: dim, eps: config.layerNormEps)
        projection = config.withProjection
            ? Linear(transposedWeight: try weights.root.transposedMatrix("text_projection.weight", shape: [config.projectionDim, dim]), bias: nil)
            : nil
        // Saved by some older exports; the engine uses positions 0..<L, as transformers does.
        weights.allowUnused((usesPrefix ? "text_model." : "") + "embeddings.position_ids")
        try weights.verifyAllUsed()
    }

    /// The full forward pass for one prompt's ids (1 ≤ count ≤ `max_position_embeddings`).
    public func forward(ids: [Int]) throws -> CLIPTextOutput {
        let length = ids.count
        let dim = config.hiddenSize
        guard length > 0, length <= config.maxPositionEmbeddings else {
            throw EngineError.invalidInput("the text encoder takes 1 to \(config.maxPositionEmbeddings) tokens, got \(length)")
        }
        if let bad = ids.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw EngineError.invalidInput("token id \(bad) is outside the text encoder's vocabulary (size \(config.vocabSize)); the tokenizer does not match the text encoder")
        }
        var hidden = Tensor(shape: [length, dim])
        let h = hidden.writePointer()
        let tokens = tokenEmbedding.readPointer, positions = positionEmbedding.readPointer
        for (position, id) in ids.enumerated() {
            let row = h + position * dim, token = tokens + id * dim, place = positions + position * dim
            for j in 0..<dim { row[j] = token[j] + place[j] }
        }
        var states = [hidden]
        for layer in layers {
            layer.apply(&hidden, tokens: length, scratch: &scratch, mlpHidden: &mlpHidden)
            states.append(hidden)
        }
        let last = finalLayerNorm(hidden)
        let index = pooledIndex(ids)
        let pooled = Tensor(shape: [dim], values: Array(last.withUnsafeBufferPointer { $0[(index * dim)..<((index + 1) * dim)] }))
        let embeds = projection.map { $0(pooled.reshaped([1, dim])).reshaped([config.projectionDim]) }
        return CLIPTextOutput(hiddenStates: states, lastHiddenState: last, pooledIndex: index,
                              poolerOutput: pooled, textEmbeds: embeds)
    }

    /// The SD3 conditioning of one prompt: `hidden_states[-2]` and `text_embeds`.
    public func encode(ids: [Int]) throws -> TextConditioning {
        let output = try forward(ids: ids)
        return TextConditioning(context: output.penultimateHiddenState,
                                pooled: output.textEmbeds ?? output.poolerOutput)
    }

    /// transformers' pooling rule: with `eos_token_id == 2` (legacy OpenAI configs) the position
    /// of the largest id (first on ties), else the first position of `eos_token_id` (0 if absent,
    /// as torch's argmax over all-false gives).
    func pooledIndex(_ ids: [Int]) -> Int {
        if config.eosTokenID == 2 {
            var best = 0
            for (index, id) in ids.enumerated() where id > ids[best] { best = index }
            return best
        }
        return ids.firstIndex(of: config.eosTokenID) ?? 0
    }
}

/// One pre-norm CLIP layer: `x + out_proj(attn(LN1(x)))`, then `x + fc2(act(fc1(LN2(x))))`.
struct CLIPEncoderLayer {
    let layerNorm1: LayerNorm
    let attention: SelfAttention
    let layerNorm2: LayerNorm
    let mlp: FeedForward

    init(_ scope: WeightScope, config: CLIPTextConfig) throws {
        let dim = config.hiddenSize
        layerNorm1 = try LayerNorm(scope.child("layer_norm1"), dimension: dim, eps: config.layerNormEps)
        attention = try SelfAttention(scope.child("self_attn"), dimension: dim, heads: config.numAttentionHeads,
                                      headDim: dim / config.numAttentionHeads, names: .clip)
        layerNorm2 = try LayerNorm(scope.child("layer_norm2"), dimension: dim, eps: config.layerNormEps)
        mlp = try FeedForward(scope.child("mlp"), upName: "fc1", downName: "fc2", dimension: dim,
                              hidden: config.intermediateSize, activation: config.activation)
    }

    /// Updates `hidden` `[tokens, D]` in place; the residual adds are fused into the output sgemms.
    func apply(_ hidden: inout Tensor, tokens: Int, scratch: inout AttentionScratch, mlpHidden: inout Tensor) {
        let normed = layerNorm1(hidden)
        let h = hidden.writePointer()
        attention.apply(input: normed.readPointer, items: 1, tokens: tokens, causal: true,
                        scratch: &scratch, output: h, accumulate: true)
        let normed2 = layerNorm2(hidden)
        mlp.apply(rows: tokens, input: normed2.readPointer, hidden: &mlpHidden, output: hidden.writePointer(),
                  accumulate: true)
    }
}
