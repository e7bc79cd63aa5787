/// Group normalisation over NCHW tensors, as torch's `nn.GroupNorm`: the channels are split into
/// `groups` runs of `channels / groups`; each run of each batch item is normalised with its own
/// mean and biased variance over `(channels / groups) · H · W` values, then every channel gets its
/// own affine scale and shift.
///
/// The ResNet blocks of a VAE always follow the norm with SiLU, so `apply` can fuse it: one pass
/// writes `silu(norm(x))`. Statistics are two-pass (mean, then squared deviations) with eight-wide
/// partial sums, which vectorise and keep the float32 rounding well below the parity budget.
public struct GroupNorm: Sendable {
    public let groups: Int
    public let channels: Int
    public let eps: Float
    /// `[channels]` scale.
    public let weight: Tensor
    /// `[channels]` shift.
    public let bias: Tensor

    public init(weight: Tensor, bias: Tensor, groups: Int, eps: Float) {
        precondition(weight.rank == 1 && bias.shape == weight.shape, "GroupNorm weight/bias must be [C], got \(weight.shape) / \(bias.shape)")
        precondition(groups > 0 && weight.shape[0] % groups == 0, "GroupNorm: \(weight.shape[0]) channels are not divisible into \(groups) groups")
        self.groups = groups
        self.channels = weight.shape[0]
        self.eps = eps
        self.weight = weight
        self.bias = bias
    }

    /// Loads `<scope>weight` and `<scope>bias`, both `[channels]`.
    public init(_ scope: WeightScope, channels: Int, groups: Int, eps: Float) throws {
        self.init(weight: try scope.tensor("weight", shape: [channels]),
                  bias: try scope.tensor("bias", shape: [channels]), groups: groups, eps: eps)
    }

    /// Normalises `batch` items of `channels × spatial` floats from `input` into `output` (which
    /// may equal `input`), applying SiLU afterwards when `silu` is true.
    public func apply(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                      batch: Int, spatial: Int, silu: Bool = false) {
        let perGroup = channels / groups
        let groupCount = perGroup * spatial
        let gamma = weight.readPointer, beta = bias.readPointer
        for item in 0..<batch {
            for group in 0..<groups {
                let offset = (item * channels + group * perGroup) * spatial
                let (mean, inverseStd) = GroupNorm.statistics(input + offset, count: groupCount, eps: eps)
                for local in 0..<perGroup {
                    let channel = group * perGroup + local
                    // y = (x − mean)·rstd·γ + β = x·a + b.
                    let a = inverseStd * gamma[channel]
                    let b = beta[channel] - mean * a
                    let x = input + offset + local * spatial, y = output + offset + local * spatial
                    if silu {
                        for i in 0..<spatial {
                            let v = x[i] * a + b
                            y[i] = v / (1 + Kernels.fastExp(-v))
                        }
                    } else {
                        for i in 0..<spatial { y[i] = x[i] * a + b }
                    }
                }
            }
        }
    }

    /// Normalises `x` `[B, channels, …]` into `output` (resized to `x`'s shape), optionally
    /// followed by SiLU; for workspace buffers.
    public func apply(_ x: Tensor, into output: inout Tensor, silu: Bool = false) {
        precondition(x.rank >= 2 && x.shape[1] == channels, "GroupNorm expects [B, \(channels), …], got \(x.shape)")
        output.resize(to: x.shape)
        let spatial = x.shape.dropFirst(2).reduce(1, *)
        apply(input: x.readPointer, output: output.writePointer(), batch: x.shape[0], spatial: spatial, silu: silu)
    }

    /// The normalised `x` (convenience for tests and glue).
    public func callAsFunction(_ x: Tensor, silu: Bool = false) -> Tensor {
        var output = Tensor(shape: [0])
        apply(x, into: &output, silu: silu)
        return output
    }

    /// The mean and 1/√(biased variance + eps) of `count` floats, two-pass.
    @inline(__always)
    static func statistics(_ x: UnsafePointer<Float>, count: Int, eps: Float) -> (mean: Float, inverseStd: Float) {
        let mean = sum(count: count) { x[$0] } / Float(count)
        let squares = sum(count: count) { i in
            let d = x[i] - mean
            return d * d
        }
        return (mean, 1 / (squares / Float(count) + eps).squareRoot())
    }

    /// Σ term(i) for i < count with eight interleaved partial sums (vectorisable, and more
    /// accurate than one running sum).
    @inline(__always)
    private static func sum(count: Int, _ term: (Int) -> Float) -> Float {
        var partial = SIMD8<Float>(repeating: 0)
        let blocks = count / 8
        for block in 0..<blocks {
            let base = block * 8
            partial += SIMD8(term(base), term(base + 1), term(base + 2), term(base + 3),
                             term(base + 4), term(base + 5), term(base + 6), term(base + 7))
        }
        var total = partial.sum()
        for i in (blocks * 8)..<count { total += term(i) }
        return total
    }
}
