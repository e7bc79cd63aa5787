/// A fully connected layer, `y = x · Wᵀ + b`, with `W` given `[out, in]` as torch stores it.
///
/// The products use a transposed copy of the weight (`[in, out]`), so every call is a plain
/// no-transpose `sgemm`: OpenBLAS is markedly slower on `A·Bᵀ` for the few-row products of adaLN
/// modulations (2 rows: ~5× here) and for per-item attention projections (64 rows: ~1.7×), and no
/// faster for the rest. Only that copy is kept (loaded transposed straight from the file); the
/// torch-layout `weight` is rebuilt on demand for the rare callers that want it.
/// One `sgemm` covers all rows (tokens of every batch item at once); the row-strided entry point
/// lets attention read and write column blocks of a joint buffer without copies.
public struct Linear: Sendable {
    /// `[inFeatures, outFeatures]`: Wᵀ, what the products use.
    public let transposedWeight: Tensor
    /// `[outFeatures]`, or nil for a layer without bias.
    public let bias: Tensor?

    public var inFeatures: Int { transposedWeight.shape[0] }
    public var outFeatures: Int { transposedWeight.shape[1] }

    /// `[outFeatures, inFeatures]`, torch layout (a transposed copy, made on each call).
    public var weight: Tensor { Linear.transpose(transposedWeight) }

    /// A layer from a torch-layout weight `[out, in]`.
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear weight must be [out, in], got \(weight.shape)")
        self.init(transposedWeight: Linear.transpose(weight), bias: bias)
    }

    /// A layer from Wᵀ `[in, out]`.
    init(transposedWeight: Tensor, bias: Tensor?) {
        precondition(transposedWeight.rank == 2, "Linear Wᵀ must be [in, out], got \(transposedWeight.shape)")
        precondition(bias == nil || bias!.shape == [transposedWeight.shape[1]],
                     "Linear bias \(bias!.shape) vs weight [\(transposedWeight.shape[1]), \(transposedWeight.shape[0])]")
        self.transposedWeight = transposedWeight
        self.bias = bias
    }

    /// Loads `<scope>weight` `[out, in]` (transposed as it is read) and, when `bias` is true,
    /// `<scope>bias` `[out]`.
    public init(_ scope: WeightScope, inFeatures: Int, outFeatures: Int, bias: Bool = true) throws {
        self.init(transposedWeight: try scope.transposedMatrix("weight", shape: [outFeatures, inFeatures]),
                  bias: bias ? try scope.tensor("bias", shape: [outFeatures]) : nil)
    }

    /// Several layers with the same input stacked into one (outputs side by side), so that e.g.
    /// q, k and v come out of a single `sgemm`.
    public static func stacked(_ layers: [Linear]) -> Linear {
        precondition(!layers.isEmpty && layers.allSatisfy { $0.inFeatures == layers[0].inFeatures },
                     "stacked Linear layers must share their input size")
        let hasBias = layers.allSatisfy { $0.bias != nil }
        precondition(hasBias || layers.allSatisfy { $0.bias == nil }, "stacked Linear layers must all have bias or none")
        // Wᵀ of the stack: each input row holds every layer's outputs side by side.
        let rows = layers[0].inFeatures, total = layers.reduce(0) { $0 + $1.outFeatures }
        let stackedWeight = Tensor(shape: [rows, total]) { out in
            var column = 0
            for layer in layers {
                let width = layer.outFeatures, source = layer.transposedWeight.readPointer
                for row in 0..<rows {
                    (out.baseAddress! + row * total + column).initialize(from: source + row * width, count: width)
                }
                column += width
            }
        }
        return Linear(transposedWeight: stackedWeight,
                      bias: hasBias ? Tensor.concatenate(layers.map { $0.bias! }) : nil)
    }

    /// `output[r] = input[r] · Wᵀ + b` for `rows` rows; row `r` of the input starts at
    /// `input + r·inputStride`, of the output at `output + r·outputStride`.
    /// With `accumulate`, the result is added to what `output` holds (a fused residual).
    public func apply(rows: Int, input: UnsafePointer<Float>, inputStride: Int,
                      output: UnsafeMutablePointer<Float>, outputStride: Int, accumulate: Bool = false) {
        guard rows > 0 else { return }
        // The bias goes into C first and the product is accumulated onto it (beta 1): one pass
        // over the output instead of OpenBLAS's zeroing for beta 0 plus a bias pass.
        if let bias {
            if accumulate {
                Kernels.addRowVector(output, rows: rows, columns: outFeatures, stride: outputStride, bias: bias.readPointer)
            } else {
                Kernels.fillRows(output, rows: rows, columns: outFeatures, stride: outputStride, with: bias.readPointer)
            }
        }
        BLAS.sgemm(m: rows, n: outFeatures, k: inFeatures,
                   a: input, lda: inputStride, b: transposedWeight.readPointer, ldb: outFeatures,
                   beta: accumulate || bias != nil ? 1 : 0, c: output, ldc: outputStride)
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

    /// Writes `x · Wᵀ + b` into `output`, resizing it (`[…, out]`); for workspace buffers.
    public func apply(_ x: Tensor, into output: inout Tensor) {
        precondition(x.shape.last == inFeatures, "Linear expects last dimension \(inFeatures), got \(x.shape)")
        let rows = x.count / Swift.max(inFeatures, 1)
        output.resize(to: Array(x.shape.dropLast()) + [outFeatures])
        apply(rows: rows, input: x.readPointer, inputStride: inFeatures,
              output: output.writePointer(), outputStride: outFeatures)
    }

    /// `[r, c]` → `[c, r]`.
    static func transpose(_ matrix: Tensor) -> Tensor {
        let (rows, columns) = (matrix.shape[0], matrix.shape[1])
        return Tensor(shape: [columns, rows]) { out in
            BLAS.transpose(rows: rows, columns: columns, source: matrix.readPointer, target: out.baseAddress!)
        }
    }
}
