/// Adaptive layer norms of the MMDiT: a SiLU + linear map of the conditioning vector gives
/// per-item shift/scale/gate vectors, and `LN(x)·(1 + scale) + shift` modulates a parameter-free
/// layer norm (eps 1e-6).
///
/// The linear layer is applied to `silu(temb)`, which every block shares; the model computes it
/// once per forward and passes it in.
public enum AdaptiveModulation {
    /// `output[r] = LN(input[r])·(1 + scale) + shift` for `rows` contiguous rows of one batch item:
    /// `LayerNorm.statistics` of each row (mean, 1/√(var + eps)), then
    /// `(x − mean) · inverse · (1 + scale) + shift`, by the widest vector kernel the CPU has.
    public static func layerNormModulate(rows: Int, dimension: Int, eps: Float,
                                         input: UnsafePointer<Float>,
                                         scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                         output: UnsafeMutablePointer<Float>) {
        VectorKernels.layerNormModulate(rows: rows, dimension: dimension, eps: eps, input: input,
                                        scale: scale, shift: shift, output: output)
    }
}

/// diffusers' `AdaLayerNormZero` (6 chunks: shift/scale/gate for attention, shift/scale/gate for
/// the MLP) and, with `dualAttention`, `SD35AdaLayerNormZeroX` (3 more: shift/scale/gate for the
/// second, image-only attention). Weight: `linear` `[chunks·dim, dim]`.
public struct AdaLayerNormZero: Sendable {
    /// Chunk indices into the modulation vector, in diffusers' order.
    public enum Chunk: Int, Sendable {
        case shiftMSA = 0, scaleMSA, gateMSA, shiftMLP, scaleMLP, gateMLP, shiftMSA2, scaleMSA2, gateMSA2
    }

    public let linear: Linear
    public let dimension: Int
    public let chunks: Int
    public let eps: Float = 1e-6

    public init(_ scope: WeightScope, dimension: Int, dualAttention: Bool = false) throws {
        self.dimension = dimension
        self.chunks = dualAttention ? 9 : 6
        linear = try Linear(scope.child("linear"), inFeatures: dimension, outFeatures: chunks * dimension)
    }
}

/// diffusers' `AdaLayerNormContinuous(dim, dim, elementwise_affine=False, eps=1e-6)`: the linear
/// output is chunked as **(scale, shift)** — the opposite order of `AdaLayerNormZero`.
public struct AdaLayerNormContinuous: Sendable {
    public let linear: Linear
    public let dimension: Int
    public let eps: Float = 1e-6

    public init(_ scope: WeightScope, dimension: Int, conditioningDimension: Int) throws {
        self.dimension = dimension
        linear = try Linear(scope.child("linear"), inFeatures: conditioningDimension, outFeatures: 2 * dimension)
    }

    /// Normalises and modulates `[items·tokens, dim]` rows, given `modulation` = `linear(silu(c))`
    /// `[items, 2·dim]`.
    public func apply(items: Int, tokens: Int, input: UnsafePointer<Float>,
                      modulation: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        for item in 0..<items {
            let m = modulation + item * 2 * dimension
            AdaptiveModulation.layerNormModulate(rows: tokens, dimension: dimension, eps: eps,
                                                 input: input + item * tokens * dimension,
                                                 scale: m, shift: m + dimension,
                                                 output: output + item * tokens * dimension)
        }
    }
}
