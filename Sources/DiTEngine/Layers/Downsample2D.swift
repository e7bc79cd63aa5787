/// diffusers' `Downsample2D` as the VAE encoder uses it (`padding=0`): the input is zero-padded by
/// one pixel on the right and bottom only, then a 3×3 convolution with stride 2 and no further
/// padding halves the size. The asymmetric padding is part of the convolution (no padded copy).
public struct Downsample2D: Sendable {
    public let conv: Conv2d

    /// diffusers' `F.pad(x, (0, 1, 0, 1))`: left 0, right 1, top 0, bottom 1.
    public static let padding = Conv2d.Padding(top: 0, left: 0, bottom: 1, right: 1)

    /// Loads `<scope>conv.weight` `[channels, channels, 3, 3]` and `<scope>conv.bias`.
    public init(_ scope: WeightScope, channels: Int) throws {
        conv = try Conv2d(scope.child("conv"), inChannels: channels, outChannels: channels,
                          kernelSize: 3, stride: 2, padding: Downsample2D.padding)
    }

    /// Downsamples `x` `[B, C, H, W]` into `output` `[B, C, ⌊(H − 2)/2⌋ + 1, ⌊(W − 2)/2⌋ + 1]`.
    public func apply(_ x: Tensor, into output: inout Tensor, columns: inout Tensor) {
        conv.apply(x, into: &output, columns: &columns)
    }
}
