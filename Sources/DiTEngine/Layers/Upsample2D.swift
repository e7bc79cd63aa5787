/// diffusers' `Upsample2D` as the VAE decoder uses it: nearest-neighbour ×2 (every pixel becomes
/// a 2×2 block, torch's `F.interpolate(scale_factor=2.0, mode="nearest")`), then a 3×3
/// convolution with padding 1.
///
/// Computed without the ×2 image: output pixel (2i + dy, 2j + dx) only ever sees input rows
/// {i − 1, i} (dy = 0) or {i, i + 1} (dy = 1), and likewise columns, so each of the four output
/// phases is a 2×2 convolution of the input whose taps are sums of the 3×3 taps that land on the
/// same input pixel. That is 16 instead of 36 multiply-adds per input pixel and channel pair, and
/// a quarter of the im2col traffic — the decoder runs at every preview step.
public struct Upsample2D: Sendable {
    /// The 3×3 convolution as stored (`conv.weight` / `conv.bias`).
    public let conv: Conv2d
    /// The phase convolutions, index `2·dy + dx`.
    let phases: [Conv2d]

    /// Loads `<scope>conv.weight` `[channels, channels, 3, 3]` and `<scope>conv.bias`.
    public init(_ scope: WeightScope, channels: Int) throws {
        self.init(conv: try Conv2d(scope.child("conv"), inChannels: channels, outChannels: channels,
                                   kernelSize: 3, padding: .uniform(1)))
    }

    /// The upsampler around a 3×3, stride-1, padding-1 convolution.
    public init(conv: Conv2d) {
        precondition(conv.kernelHeight == 3 && conv.kernelWidth == 3 && conv.stride == 1 && conv.padding == .uniform(1),
                     "Upsample2D needs a 3×3 convolution with stride 1 and padding 1")
        self.conv = conv
        phases = (0..<4).map { Upsample2D.phaseConvolution(conv, dy: $0 / 2, dx: $0 % 2) }
    }

    /// Upsamples `x` `[B, C, H, W]` into `output` `[B, C', 2H, 2W]`; `phase` and `columns` are
    /// scratch.
    public func apply(_ x: Tensor, into output: inout Tensor, phase: inout Tensor, columns: inout Tensor) {
        precondition(x.rank == 4 && x.shape[1] == conv.inChannels, "Upsample2D expects [B, \(conv.inChannels), H, W], got \(x.shape)")
        let (batch, height, width) = (x.shape[0], x.shape[2], x.shape[3])
        let planes = batch * conv.outChannels
        output.resize(to: [batch, conv.outChannels, 2 * height, 2 * width])
        let target = output.writePointer()
        for (index, phaseConv) in phases.enumerated() {
            let (dy, dx) = (index / 2, index % 2)
            phaseConv.apply(x, into: &phase, columns: &columns)
            // Interleave: phase pixel (i, j) → output pixel (2i + dy, 2j + dx).
            let source = phase.readPointer
            for plane in 0..<planes {
                for i in 0..<height {
                    let row = source + (plane * height + i) * width
                    let out = target + (plane * 2 * height + 2 * i + dy) * 2 * width + dx
                    for j in 0..<width { out[2 * j] = row[j] }
                }
            }
        }
    }

    /// The 2×2 convolution giving output phase (`dy`, `dx`): tap `a` of a phase-0 axis covers the
    /// 3×3 tap 0 (input offset −1) and tap 1 covers 3×3 taps 1 and 2 (offset 0); for phase 1, tap
    /// 0 covers 3×3 taps 0 and 1 (offset 0) and tap 1 covers tap 2 (offset +1). Phase 0 pads
    /// before, phase 1 after, so the output has the input's size.
    static func phaseConvolution(_ conv: Conv2d, dy: Int, dx: Int) -> Conv2d {
        let groups = [[0...0, 1...2], [0...1, 2...2]]  // [phase][tap] → 3×3 taps
        let (rows, columns) = (groups[dy], groups[dx])
        let (outChannels, inChannels) = (conv.outChannels, conv.inChannels)
        let source = conv.weight.readPointer
        let weight = Tensor(shape: [outChannels, inChannels, 2, 2]) { target in
            for pair in 0..<(outChannels * inChannels) {
                let kernel = source + pair * 9
                for a in 0..<2 {
                    for b in 0..<2 {
                        var sum: Float = 0
                        for ky in rows[a] {
                            for kx in columns[b] { sum += kernel[ky * 3 + kx] }
                        }
                        target[pair * 4 + a * 2 + b] = sum
                    }
                }
            }
        }
        let padding = Conv2d.Padding(top: 1 - dy, left: 1 - dx, bottom: dy, right: dx)
        return Conv2d(weight: weight, bias: conv.bias, stride: 1, padding: padding)
    }
}
