import Foundation

/// diffusers' `PatchEmbed` for SD3: a `p×p` convolution with stride `p` (computed as one sgemm over
/// flattened patches) plus a fixed 2D sin-cos position embedding, centre-cropped from a
/// `maxSize × maxSize` grid to the input's patch grid.
public struct PatchEmbedding: Sendable {
    public let patchSize: Int
    public let inChannels: Int
    public let dimension: Int
    /// The conv weight `[dim, C, p, p]` seen as a linear layer over `(c, py, px)`-ordered patches.
    public let projection: Linear
    /// `[maxSize·maxSize, dim]`, row-major over the grid, or nil without `pos_embed_max_size`.
    public let positionTable: Tensor?
    public let maxSize: Int?
    /// The base size diffusers uses for the grid scale (`sample_size / patch_size`).
    public let baseSize: Int

    /// Loads `<scope>proj.weight`/`bias` and, with `maxSize`, the `<scope>pos_embed` buffer
    /// (`[1, maxSize², dim]`) that diffusers saves with the model.
    public init(_ scope: WeightScope, patchSize: Int, inChannels: Int, dimension: Int,
                sampleSize: Int, maxSize: Int?) throws {
        self.patchSize = patchSize
        self.inChannels = inChannels
        self.dimension = dimension
        self.maxSize = maxSize
        self.baseSize = sampleSize / patchSize
        let patchLength = inChannels * patchSize * patchSize
        let convWeight = try scope.tensor("proj.weight", shape: [dimension, inChannels, patchSize, patchSize])
        projection = Linear(weight: convWeight.reshaped([dimension, patchLength]),
                            bias: try scope.tensor("proj.bias", shape: [dimension]))
        if let maxSize {
            positionTable = try scope.tensor("pos_embed", shape: [1, maxSize * maxSize, dimension])
                .reshaped([maxSize * maxSize, dimension])
        } else {
            positionTable = nil
        }
    }

    /// Embeds `x` `[B, C, H, W]` into `output` `[B·(H/p)·(W/p), dim]` (tokens row-major over the
    /// patch grid, as diffusers' flatten+transpose); `patches` is scratch.
    public func apply(_ x: Tensor, patches: inout Tensor, output: inout Tensor) throws {
        guard x.rank == 4, x.shape[1] == inChannels else {
            throw EngineError.invalidInput("the transformer expects input [batch, \(inChannels), height, width], got \(x.shape)")
        }
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let p = patchSize
        guard height % p == 0, width % p == 0, height > 0, width > 0 else {
            throw EngineError.invalidInput("size \(width)×\(height) is not a multiple of the patch size \(p)")
        }
        let (gridH, gridW) = (height / p, width / p)
        if let maxSize, gridH > maxSize || gridW > maxSize {
            throw EngineError.invalidInput("size \(width)×\(height) needs a \(gridW)×\(gridH) patch grid; the model's pos_embed_max_size allows at most \(maxSize)×\(maxSize)")
        }
        let tokens = gridH * gridW
        let patchLength = inChannels * p * p
        patches.resize(to: [batch * tokens, patchLength])
        let patchPointer = patches.writePointer()
        let source = x.readPointer
        for b in 0..<batch {
            for gy in 0..<gridH {
                for gx in 0..<gridW {
                    let row = patchPointer + ((b * gridH + gy) * gridW + gx) * patchLength
                    for c in 0..<inChannels {
                        let plane = source + ((b * inChannels + c) * height + gy * p) * width + gx * p
                        for py in 0..<p {
                            let src = plane + py * width
                            let dst = row + (c * p + py) * p
                            for px in 0..<p { dst[px] = src[px] }
                        }
                    }
                }
            }
        }
        output.resize(to: [batch * tokens, dimension])
        let out = output.writePointer()
        projection.apply(rows: batch * tokens, input: patchPointer, inputStride: patchLength,
                         output: out, outputStride: dimension)
        let table = positionEmbedding(gridHeight: gridH, gridWidth: gridW)
        let positions = table.readPointer
        for b in 0..<batch {
            Kernels.add(out + b * tokens * dimension, positions, count: tokens * dimension)
        }
    }

    /// The `[gridH·gridW, dim]` position embedding for a patch grid: the centre crop of the saved
    /// table (top = (max − h) / 2, left = (max − w) / 2), or, without one, diffusers' sin-cos grid.
    public func positionEmbedding(gridHeight: Int, gridWidth: Int) -> Tensor {
        guard let table = positionTable, let maxSize else {
            return PatchEmbedding.sinCos2D(dimension: dimension, gridHeight: gridHeight, gridWidth: gridWidth,
                                           baseSize: baseSize)
        }
        let top = (maxSize - gridHeight) / 2, left = (maxSize - gridWidth) / 2
        var crop = Tensor(shape: [gridHeight * gridWidth, dimension])
        let dst = crop.writePointer(), src = table.readPointer
        for y in 0..<gridHeight {
            (dst + y * gridWidth * dimension).update(from: src + ((top + y) * maxSize + left) * dimension,
                                                      count: gridWidth * dimension)
        }
        return crop
    }

    /// diffusers' `get_2d_sincos_pos_embed(dim, (gridH, gridW), base_size, interpolation_scale)`:
    /// position (y, x) has coordinates `x / (gridW / base) / scale` and `y / (gridH / base) / scale`;
    /// the first half of the features encodes the x coordinate, the second half y, each as
    /// `[sin(pos·ωₖ), cos(pos·ωₖ)]` with ωₖ = 10000^(−k / (dim/4)), computed in double precision.
    public static func sinCos2D(dimension: Int, gridHeight: Int, gridWidth: Int, baseSize: Int,
                                interpolationScale: Double = 1) -> Tensor {
        precondition(dimension % 4 == 0, "sin-cos position embedding needs a width divisible by 4, got \(dimension)")
        let quarter = dimension / 4
        let omega: [Double] = (0..<quarter).map { 1 / pow(10000, Double($0) / Double(quarter)) }
        // torch divides a float32 `arange` by Python floats (rounded to float32), then uses float64.
        func coordinate(_ index: Int, _ extent: Int) -> Double {
            Double(Float(index) / Float(Double(extent) / Double(baseSize)) / Float(interpolationScale))
        }
        var result = Tensor(shape: [gridHeight * gridWidth, dimension])
        let out = result.writePointer()
        for y in 0..<gridHeight {
            for x in 0..<gridWidth {
                let row = out + (y * gridWidth + x) * dimension
                let cx = coordinate(x, gridWidth), cy = coordinate(y, gridHeight)
                for k in 0..<quarter {
                    row[k] = Float(sin(cx * omega[k]))
                    row[quarter + k] = Float(cos(cx * omega[k]))
                    row[2 * quarter + k] = Float(sin(cy * omega[k]))
                    row[3 * quarter + k] = Float(cos(cy * omega[k]))
                }
            }
        }
        return result
    }
}
