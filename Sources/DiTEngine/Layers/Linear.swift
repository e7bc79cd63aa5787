/// A fully connected layer, `y = x · Wᵀ + b`, with `W` stored `[out, in]` as in torch.
///
/// One `sgemm` per call over all rows (tokens of every batch item at once). The row-strided entry
/// point lets attention read and write column blocks of a joint buffer without copies.
public struct Linear: Sendable {
    /// `[outFeatures, inFeatures]`.
    public let weight: Tensor
    /// `[outFeatures]`, or nil for a layer without bias.
    public let bias: Tensor?

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear weight must be [out, in], got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "Linear bias \(bias!.shape) vs weight \(weight.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// Loads `<scope>weight` `[out, in]` and, when `bias` is true, `<scope>bias` `[out]`.
    public init(_ scope: WeightScope, inFeatures: Int, outFeatures: Int, bias: Bool = true) throws {
        self.weight = try scope.tensor("weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? try scope.tensor("bias", shape: [outFeatures]) : nil
    }

    /// Several layers with the same input stacked into one (outputs side by side), so that e.g.
    /// q, k and v come out of a single `sgemm`.
    public static func stacked(_ layers: [Linear]) -> Linear {
        precondition(!layers.isEmpty && layers.allSatisfy { $0.inFeatures == layers[0].inFeatures },
                     "stacked Linear layers must share their input size")
        let weight = Tensor.concatenate(layers.map(\.weight))
        let hasBias = layers.allSatisfy { $0.bias != nil }
        precondition(hasBias || layers.allSatisfy { $0.bias == nil }, "stacked Linear layers must all have bias or none")
        let bias = hasBias ? Tensor.concatenate(layers.map { $0.bias! }) : nil
        return Linear(weight: weight, bias: bias)
    }

    /// `output[r] = input[r] · Wᵀ + b` for `rows` rows; row `r` of the input starts at
    /// `input + r·inputStride`, of the output at `output + r·outputStride`.
    /// With `accumulate`, the result is added to what `output` holds (a fused residual).
    public func apply(rows: Int, input: UnsafePointer<Float>, inputStride: Int,
                      output: UnsafeMutablePointer<Float>, outputStride: Int, accumulate: Bool = false) {
        guard rows > 0 else { return }
        BLAS.sgemm(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures,
                   a: input, lda: inputStride, b: weight.readPointer, ldb: inFeatures,
                   beta: accumulate ? 1 : 0, c: output, ldc: outputStride)
        if let bias {
            Kernels.addRowVector(output, rows: rows, columns: outFeatures, stride: outputStride, bias: bias.readPointer)
        }
    }

    /// Applies the layer over the last dimension of `x` (`[…, in]` → `[…, out]`).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == inFeatures, "Linear expects last dimension \(inFeatures), got \(x.shape)")
        let rows = x.count / Swift.max(inFeatures, 1)
        var result = Tensor(shape: Array(x.shape.dropLast()) + [outFeatures])
        let out = result.writePointer()
        apply(rows: rows, input: x.readPointer, inputStride: inFeatures, output: out, outputStride: outFeatures)
        return result
    }

    /// Writes `x · Wᵀ + b` into `output`, resizing it (`[rows, out]`); for workspace buffers.
    public func apply(_ x: Tensor, into output: inout Tensor) {
        precondition(x.shape.last == inFeatures, "Linear expects last dimension \(inFeatures), got \(x.shape)")
        let rows = x.count / Swift.max(inFeatures, 1)
        output.resize(to: Array(x.shape.dropLast()) + [outFeatures])
        apply(rows: rows, input: x.readPointer, inputStride: inFeatures,
              output: output.writePointer(), outputStride: outFeatures)
    }
}
