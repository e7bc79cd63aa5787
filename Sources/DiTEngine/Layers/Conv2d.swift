/// A 2D convolution over NCHW tensors, as torch's `nn.Conv2d` (no dilation, no groups), computed
/// as im2col + one `sgemm` per batch item: `out[O, Ho·Wo] = W[O, I·kh·kw] · cols[I·kh·kw, Ho·Wo]`.
///
/// The padding may differ per side, so diffusers' `Downsample2D` (zero-pad right and bottom by 1,
/// then a stride-2 convolution without padding) is a single convolution here, with no padded copy
/// of the input. A 1×1, stride-1, unpadded convolution reads its input directly (no im2col).
/// The column buffer is caller-owned scratch, so repeated calls allocate nothing.
public struct Conv2d: Sendable {
    /// Zeros added around the input, per side.
    public struct Padding: Sendable, Equatable {
        public var top: Int, left: Int, bottom: Int, right: Int

        public init(top: Int, left: Int, bottom: Int, right: Int) {
            precondition(top >= 0 && left >= 0 && bottom >= 0 && right >= 0, "negative padding")
            self.top = top
            self.left = left
            self.bottom = bottom
            self.right = right
        }

        /// The same padding on every side (torch's `padding=p`).
        public static func uniform(_ p: Int) -> Padding { Padding(top: p, left: p, bottom: p, right: p) }
    }

    /// `[outChannels, inChannels, kernelHeight, kernelWidth]`, as torch stores it.
    public let weight: Tensor
    /// `[outChannels]`, or nil for a convolution without bias.
    public let bias: Tensor?
    public let stride: Int
    public let padding: Padding

    public var outChannels: Int { weight.shape[0] }
    public var inChannels: Int { weight.shape[1] }
    public var kernelHeight: Int { weight.shape[2] }
    public var kernelWidth: Int { weight.shape[3] }
    /// The length of one im2col column: `inChannels · kh · kw`.
    public var patchLength: Int { inChannels * kernelHeight * kernelWidth }

    /// Whether the input can serve as the column matrix as it is.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == .uniform(0)
    }

    public init(weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Padding = .uniform(0)) {
        precondition(weight.rank == 4, "Conv2d weight must be [out, in, kh, kw], got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "Conv2d bias \(bias!.shape) vs weight \(weight.shape)")
        precondition(stride >= 1, "Conv2d stride must be ≥ 1")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }

    /// Loads `<scope>weight` `[out, in, k, k]` and, when `bias` is true, `<scope>bias` `[out]`.
    public init(_ scope: WeightScope, inChannels: Int, outChannels: Int, kernelSize: Int,
                stride: Int = 1, padding: Padding = .uniform(0), bias: Bool = true) throws {
        let weight = try scope.tensor("weight", shape: [outChannels, inChannels, kernelSize, kernelSize])
        let bias = bias ? try scope.tensor("bias", shape: [outChannels]) : nil
        self.init(weight: weight, bias: bias, stride: stride, padding: padding)
    }

    /// The output's spatial size for an input of `height × width`, or nil when the padded input is
    /// smaller than the kernel (torch raises there).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int)? {
        let paddedHeight = height + padding.top + padding.bottom
        let paddedWidth = width + padding.left + padding.right
        guard height > 0, width > 0, paddedHeight >= kernelHeight, paddedWidth >= kernelWidth else { return nil }
        return ((paddedHeight - kernelHeight) / stride + 1, (paddedWidth - kernelWidth) / stride + 1)
    }

    /// Convolves `batch` images of `inChannels × height × width` at `input` into `output`
    /// (`batch × outChannels × Ho × Wo`). With `accumulate`, the result is added to what `output`
    /// holds (a fused residual). Only the first `outputChannelLimit` output channels are computed
    /// when it is given (and `output` is laid out with that many channels).
    /// `columns` is scratch for im2col, resized as needed: at most `maxColumnEntries` floats, so
    /// large images are done in bands of output rows (one sgemm per band).
    /// The input size must be valid (`outputSize` non-nil) — a programmer error otherwise.
    public func apply(input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                      output: UnsafeMutablePointer<Float>, columns: inout Tensor,
                      accumulate: Bool = false, outputChannelLimit: Int? = nil,
                      maxColumnEntries: Int = Conv2d.defaultMaxColumnEntries) {
        guard let (outHeight, outWidth) = outputSize(height: height, width: width) else {
            preconditionFailure("Conv2d: input \(height)×\(width) is smaller than the kernel \(kernelHeight)×\(kernelWidth) after padding")
        }
        let channels = Swift.min(outputChannelLimit ?? outChannels, outChannels)
        let pixels = outHeight * outWidth
        let k = patchLength
        let inputPlane = inChannels * height * width
        let pointwise = isPointwise
        let bandRows = pointwise ? outHeight : Swift.max(1, Swift.min(outHeight, maxColumnEntries / Swift.max(1, k * outWidth)))
        if !pointwise { columns.resize(to: [k, bandRows * outWidth]) }
        for item in 0..<batch {
            let source = input + item * inputPlane
            let target = output + item * channels * pixels
            var firstRow = 0
            while firstRow < outHeight {
                let rows = Swift.min(bandRows, outHeight - firstRow)
                let bandPixels = rows * outWidth
                let matrix: UnsafePointer<Float>
                if pointwise {
                    matrix = source
                } else {
                    let cols = columns.writePointer()
                    im2col(source, height: height, width: width, outHeight: outHeight, outWidth: outWidth,
                           rows: firstRow..<(firstRow + rows), into: cols)
                    matrix = UnsafePointer(cols)
                }
                // The band is a column block of every output channel's plane (row stride `pixels`).
                BLAS.sgemm(m: channels, n: bandPixels, k: k,
                           a: weight.readPointer, lda: k, b: matrix, ldb: bandPixels,
                           beta: accumulate ? 1 : 0, c: target + firstRow * outWidth, ldc: pixels)
                firstRow += rows
            }
            if let bias {
                let b = bias.readPointer
                for channel in 0..<channels {
                    let row = target + channel * pixels
                    let value = b[channel]
                    for i in 0..<pixels { row[i] += value }
                }
            }
        }
    }

    /// The default bound on the im2col buffer: 2¹⁶ floats (256 KiB), bands of a few output rows
    /// that stay in the L2 cache between im2col and the product, and that a process touches (and
    /// the kernel zero-fills) once instead of megabytes of columns: the embedded model's first
    /// decode in a `generate` process took ~15.5 ms with 2²² (whole images) and ~10 ms with this,
    /// with 1 500 fewer page faults and the same pixels; a 1024-pixel SD3 VAE gets one-row bands
    /// either way.
    public static let defaultMaxColumnEntries = 1 << 16

    /// Convolves `x` `[B, inChannels, H, W]` into `output` (resized to `[B, outChannels, Ho, Wo]`);
    /// for workspace buffers. With `accumulate`, `output` must already have that shape and the
    /// result is added to it (a residual). `x` and `output` must be different tensors.
    public func apply(_ x: Tensor, into output: inout Tensor, columns: inout Tensor, accumulate: Bool = false) {
        precondition(x.rank == 4 && x.shape[1] == inChannels, "Conv2d expects [B, \(inChannels), H, W], got \(x.shape)")
        guard let (outHeight, outWidth) = outputSize(height: x.shape[2], width: x.shape[3]) else {
            preconditionFailure("Conv2d: input \(x.shape) is smaller than the kernel after padding")
        }
        let shape = [x.shape[0], outChannels, outHeight, outWidth]
        if accumulate {
            precondition(output.shape == shape, "Conv2d: accumulating into \(output.shape), expected \(shape)")
        } else {
            output.resize(to: shape)
        }
        apply(input: x.readPointer, batch: x.shape[0], height: x.shape[2], width: x.shape[3],
              output: output.writePointer(), columns: &columns, accumulate: accumulate)
    }

    /// The convolution of `x` `[B, inChannels, H, W]` (convenience for tests and glue).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var output = Tensor(shape: [0])
        var columns = Tensor(shape: [0])
        apply(x, into: &output, columns: &columns)
        return output
    }

    /// Writes the column matrix of output rows `rows` of one image, `[inChannels·kh·kw,
    /// rows.count·Wo]`: row `(c, ky, kx)` holds, for every output pixel of the band, the input
    /// value under that kernel tap (0 in the padding).
    private func im2col(_ input: UnsafePointer<Float>, height: Int, width: Int,
                        outHeight: Int, outWidth: Int, rows: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let (kh, kw, s) = (kernelHeight, kernelWidth, stride)
        let (top, left) = (padding.top, padding.left)
        let bandPixels = rows.count * outWidth
        var row = columns
        for channel in 0..<inChannels {
            let plane = input + channel * height * width
            for ky in 0..<kh {
                for kx in 0..<kw {
                    // Output columns whose tap lands inside the input: ix = ox·s − left + kx ∈ [0, W).
                    let first = Swift.min(outWidth, Swift.max(0, (left - kx + s - 1) / s))
                    let last = width - 1 + left - kx  // the largest ox·s with ix < W
                    let end = last < 0 ? first : Swift.max(first, Swift.min(outWidth, last / s + 1))
                    if s == 1 && outWidth == width {
                        Conv2d.shiftedPlane(plane, height: height, width: width, rows: rows,
                                            rowShift: ky - top, columnShift: kx - left,
                                            first: first, end: end, into: row)
                        row += bandPixels
                        continue
                    }
                    for oy in rows {
                        let target = row + (oy - rows.lowerBound) * outWidth
                        let iy = oy * s - top + ky
                        guard iy >= 0 && iy < height else {
                            target.update(repeating: 0, count: outWidth)
                            continue
                        }
                        // Input column of output column ox: ox·s + shift (in range for first..<end).
                        let source = plane + iy * width, shift = kx - left
                        if first > 0 { target.update(repeating: 0, count: first) }
                        if s == 1 {
                            if end > first { (target + first).update(from: source + (first + shift), count: end - first) }
                        } else {
                            for ox in first..<end { target[ox] = source[ox * s + shift] }
                        }
                        if end < outWidth { (target + end).update(repeating: 0, count: outWidth - end) }
                    }
                    row += bandPixels
                }
            }
        }
    }

    /// One im2col row for a stride-1 convolution whose output is as wide as its input (e.g. 3×3
    /// with padding 1), for output rows `rows`: the input plane shifted by (`rowShift`,
    /// `columnShift`), so the valid rows are one contiguous copy; afterwards the edge columns that
    /// wrapped around from the neighbouring row are zeroed (only columns `first..<end` lie inside
    /// the input). This replaces a few library calls per output row with a few per band.
    private static func shiftedPlane(_ plane: UnsafePointer<Float>, height: Int, width: Int, rows: Range<Int>,
                                     rowShift: Int, columnShift: Int, first: Int, end: Int,
                                     into band: UnsafeMutablePointer<Float>) {
        // Band index of output row oy, column ox: (oy − r0)·W + ox.
        let base = rows.lowerBound * width
        // Output rows whose tap row iy = oy + rowShift lies inside the input.
        let firstRow = Swift.min(rows.upperBound, Swift.max(rows.lowerBound, -rowShift))
        let endRow = Swift.max(firstRow, Swift.min(rows.upperBound, height - rowShift))
        if firstRow > rows.lowerBound {
            band.update(repeating: 0, count: firstRow * width - base)
        }
        if endRow < rows.upperBound {
            (band + (endRow * width - base)).update(repeating: 0, count: (rows.upperBound - endRow) * width)
        }
        guard endRow > firstRow else { return }
        // Output pixel t = oy·W + ox reads plane[t + offset]; copy the valid rows at once, clipped
        // to the plane's extent (anything clipped is an edge column, zeroed below).
        let offset = rowShift * width + columnShift
        let lower = Swift.max(firstRow * width, -offset)
        let upper = Swift.min(endRow * width, height * width - offset)
        if upper > lower { (band + (lower - base)).update(from: plane + (lower + offset), count: upper - lower) }
        guard first > 0 || end < width else { return }
        for oy in firstRow..<endRow {
            let rowStart = band + (oy * width - base)
            for ox in 0..<first { rowStart[ox] = 0 }
            for ox in end..<width { rowStart[ox] = 0 }
        }
    }
}
