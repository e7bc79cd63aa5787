/// Layer normalisation over the last dimension, `(x − mean) / √(var + eps) · γ + β`, with the
/// biased variance as torch computes it. `γ`/`β` are absent for `elementwise_affine=False`.
public struct LayerNorm: Sendable {
    public let dimension: Int
    public let eps: Float
    public let weight: Tensor?
    public let bias: Tensor?

    /// A norm without learned scale and shift (diffusers' `elementwise_affine=False`).
    public init(dimension: Int, eps: Float) {
        self.dimension = dimension
        self.eps = eps
        self.weight = nil
        self.bias = nil
    }

    /// Loads `<scope>weight` and `<scope>bias`, both `[dimension]`.
    public init(_ scope: WeightScope, dimension: Int, eps: Float, bias: Bool = true) throws {
        self.dimension = dimension
        self.eps = eps
        self.weight = try scope.tensor("weight", shape: [dimension])
        self.bias = bias ? try scope.tensor("bias", shape: [dimension]) : nil
    }

    /// Normalises `rows` contiguous rows of `dimension` floats from `input` into `output`
    /// (which may equal `input`).
    public func apply(rows: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let gamma = weight?.readPointer, beta = bias?.readPointer
        for row in 0..<rows {
            let x = input + row * dimension, y = output + row * dimension
            let (mean, inverse) = LayerNorm.statistics(x, count: dimension, eps: eps)
            switch (gamma, beta) {
            case let (g?, b?):
                for j in 0..<dimension { y[j] = (x[j] - mean) * inverse * g[j] + b[j] }
            case let (g?, nil):
                for j in 0..<dimension { y[j] = (x[j] - mean) * inverse * g[j] }
            default:
                for j in 0..<dimension { y[j] = (x[j] - mean) * inverse }
            }
        }
    }

    /// Normalises the last dimension of `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == dimension, "LayerNorm expects last dimension \(dimension), got \(x.shape)")
        var result = Tensor(shape: x.shape)
        apply(rows: x.count / Swift.max(dimension, 1), input: x.readPointer, output: result.writePointer())
        return result
    }

    /// The row's mean and 1/√(biased variance + eps), two-pass for accuracy.
    @inlinable @inline(__always)
    static func statistics(_ x: UnsafePointer<Float>, count: Int, eps: Float) -> (mean: Float, inverseStd: Float) {
        let mean = Kernels.sum(x, count: count) / Float(count)
        let squares = Kernels.sumOfSquares(x, count: count, center: mean)
        return (mean, 1 / (squares / Float(count) + eps).squareRoot())
    }
}
