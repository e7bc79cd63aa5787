/// diffusers' `Upsample2D` as the VAE decoder uses it: nearest-neighbour ×2 (every pixel becomes
/// a 2×2 block, torch's `F.interpolate(scale_factor=2.0, mode="nearest")`), then a 3×3 convolution
/// with padding 1.
public struct Upsample2D: Sendable {
    public let conv: Conv2d

    /// Loads `<scope>conv.weight` `[channels, channels, 3, 3]` and `<scope>conv.bias`.
    public init(_ scope: WeightScope, channels: Int) throws {
        conv = try Conv2d(scope.child("conv"), inChannels: channels, outChannels: channels,
                          kernelSize: 3, padding: .uniform(1))
    }

    /// Upsamples `x` `[B, C, H, W]` into `output` `[B, C, 2H, 2W]`; `upsampled` and `columns`
    /// are scratch.
    public func apply(_ x: Tensor, into output: inout Tensor, upsampled: inout Tensor, columns: inout Tensor) {
        Upsample2D.nearest2x(x, into: &upsampled)
        conv.apply(upsampled, into: &output, columns: &columns)
    }

    /// Nearest-neighbour ×2 of `x` `[B, C, H, W]` into `output` (resized to `[B, C, 2H, 2W]`).
    public static func nearest2x(_ x: Tensor, into output: inout Tensor) {
        precondition(x.rank == 4, "nearest2x expects [B, C, H, W], got \(x.shape)")
        let (height, width) = (x.shape[2], x.shape[3])
        let planes = x.shape[0] * x.shape[1]
        output.resize(to: [x.shape[0], x.shape[1], 2 * height, 2 * width])
        let source = x.readPointer, target = output.writePointer()
        let wide = 2 * width
        for row in 0..<(planes * height) {
            let s = source + row * width
            let t = target + 2 * row * wide
            for i in 0..<width {
                let v = s[i]
                t[2 * i] = v
                t[2 * i + 1] = v
            }
            (t + wide).update(from: t, count: wide)
        }
    }
}
