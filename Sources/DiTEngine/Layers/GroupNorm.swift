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
                        GroupNorm.affineSiLU(x, y, count: spatial, a: a, b: b)
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

    /// `y = silu(x·a + b)` over `count` floats (`y` may equal `x`), sixteen lanes at a time so
    /// that the exponential's long dependency chain runs four SSE vectors side by side.
    @inline(__always)
    static func affineSiLU(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, a: Float, b: Float) {
        let source = UnsafeRawPointer(x), target = UnsafeMutableRawPointer(y)
        let scale = SIMD16<Float>(repeating: a), shift = SIMD16<Float>(repeating: b)
        var i = 0
        while i + 16 <= count {
            let v = source.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) * scale + shift
            target.storeBytes(of: v / (1 + Kernels.fastExp(-v)), toByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            let v = x[i] * a + b
            y[i] = v / (1 + Kernels.fastExp(-v))
            i += 1
        }
    }

    /// The mean and 1/√(biased variance + eps) of `count` floats, two-pass.
    @inline(__always)
    static func statistics(_ x: UnsafePointer<Float>, count: Int, eps: Float) -> (mean: Float, inverseStd: Float) {
        let raw = UnsafeRawPointer(x)
        let blocks = count / 8
        var lanes = SIMD8<Float>(repeating: 0)
        for block in 0..<blocks { lanes += raw.loadUnaligned(fromByteOffset: block * 32, as: SIMD8<Float>.self) }
        var sum = lanes.sum()
        for i in (blocks * 8)..<count { sum += x[i] }
        let mean = sum / Float(count)
        let center = SIMD8<Float>(repeating: mean)
        lanes = SIMD8<Float>(repeating: 0)
        for block in 0..<blocks {
            let d = raw.loadUnaligned(fromByteOffset: block * 32, as: SIMD8<Float>.self) - center
            lanes += d * d
        }
        var squares = lanes.sum()
        for i in (blocks * 8)..<count {
            let d = x[i] - mean
            squares += d * d
        }
        return (mean, 1 / (squares / Float(count) + eps).squareRoot())
    }
}
