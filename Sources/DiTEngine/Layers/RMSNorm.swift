/// RMS normalisation over the last dimension, `x / √(mean(x²) + eps) · γ` (diffusers `RMSNorm`,
/// used for SD3.5's per-head query/key norm).
public struct RMSNorm: Sendable {
    public let dimension: Int
    public let eps: Float
    public let weight: Tensor?

    public init(dimension: Int, eps: Float, weight: Tensor? = nil) {
        precondition(weight == nil || weight!.shape == [dimension], "RMSNorm weight must be [\(dimension)]")
        self.dimension = dimension
        self.eps = eps
        self.weight = weight
    }

    /// Loads `<scope>weight` `[dimension]`.
    public init(_ scope: WeightScope, dimension: Int, eps: Float) throws {
        self.init(dimension: dimension, eps: eps, weight: try scope.tensor("weight", shape: [dimension]))
    }

    /// Normalises, in place, `rows` vectors of `dimension` floats starting `stride` apart.
    public func apply(rows: Int, _ x: UnsafeMutablePointer<Float>, stride: Int) {
        let gamma = weight?.readPointer
        for row in 0..<rows {
            let v = x + row * stride
            let squares = Kernels.sumOfSquares(v, count: dimension)
            let inverse = 1 / (squares / Float(dimension) + eps).squareRoot()
            if let gamma {
                for j in 0..<dimension { v[j] = v[j] * inverse * gamma[j] }
            } else {
                for j in 0..<dimension { v[j] *= inverse }
            }
        }
    }

    /// Normalises the last dimension of `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == dimension, "RMSNorm expects last dimension \(dimension), got \(x.shape)")
        var result = x
        apply(rows: x.count / Swift.max(dimension, 1), result.writePointer(), stride: dimension)
        return result
    }
}
