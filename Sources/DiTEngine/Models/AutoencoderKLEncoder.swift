/// diffusers' VAE `Encoder` (with `double_z`) followed by the optional `quant_conv`, reduced to
/// what the engine needs: the posterior's mean.
///
/// `conv_in` (3×3), one `DownEncoderBlock2D` per level (`layers_per_block` ResNet blocks, then a
/// `Downsample2D` in all but the last), the mid block, GroupNorm + SiLU and `conv_out` (3×3, to
/// 2·latent_channels: mean and log-variance). Only the mean's channels of the last convolution
/// are computed.
struct AutoencoderKLEncoder: Sendable {
    struct DownBlock: Sendable {
        let resnets: [ResnetBlock2D]
        let downsampler: Downsample2D?
    }

    let convIn: Conv2d
    let downBlocks: [DownBlock]
    let midBlock: AutoencoderKLMidBlock
    let normOut: GroupNorm
    let convOut: Conv2d
    let quantConv: Conv2d?
    let latentChannels: Int

    /// Loads `encoder.*` and, with `use_quant_conv`, `quant_conv.*` from `root`.
    init(_ root: WeightScope, config: AutoencoderKLConfig) throws {
        let scope = root.child("encoder")
        let channels = config.blockOutChannels, groups = config.normNumGroups
        latentChannels = config.latentChannels
        convIn = try Conv2d(scope.child("conv_in"), inChannels: config.inChannels, outChannels: channels[0],
                            kernelSize: 3, padding: .uniform(1))
        var blocks: [DownBlock] = []
        var previous = channels[0]
        for (index, width) in channels.enumerated() {
            let blockScope = scope.child("down_blocks.\(index)")
            let resnets = try (0..<config.layersPerBlock).map { layer in
                try ResnetBlock2D(blockScope.child("resnets.\(layer)"), inChannels: layer == 0 ? previous : width,
                                  outChannels: width, groups: groups)
            }
            let isLast = index == channels.count - 1
            let downsampler = isLast ? nil : try Downsample2D(blockScope.child("downsamplers.0"), channels: width)
            blocks.append(DownBlock(resnets: resnets, downsampler: downsampler))
            previous = width
        }
        downBlocks = blocks
        let deepest = channels[channels.count - 1]
        midBlock = try AutoencoderKLMidBlock(scope.child("mid_block"), channels: deepest, groups: groups,
                                             attention: config.midBlockAddAttention)
        normOut = try GroupNorm(scope.child("conv_norm_out"), channels: deepest, groups: groups, eps: AutoencoderKLConfig.normEps)
        convOut = try Conv2d(scope.child("conv_out"), inChannels: deepest, outChannels: 2 * config.latentChannels,
                             kernelSize: 3, padding: .uniform(1))
        quantConv = config.useQuantConv
            ? try Conv2d(root.child("quant_conv"), inChannels: 2 * config.latentChannels,
                         outChannels: 2 * config.latentChannels, kernelSize: 1)
            : nil
    }

    /// The posterior mean `[B, latent_channels, h, w]` of images `x` `[B, in_channels, H, W]`
    /// (sizes already validated).
    func mean(_ x: Tensor, workspace ws: AutoencoderKLWorkspace) -> Tensor {
        convIn.apply(x, into: &ws.current, columns: &ws.columns)
        for block in downBlocks {
            for resnet in block.resnets { resnet.apply(ws) }
            if let downsampler = block.downsampler {
                downsampler.apply(ws.current, into: &ws.spare, columns: &ws.columns)
                swap(&ws.current, &ws.spare)
            }
        }
        midBlock.apply(ws)
        normOut.apply(ws.current, into: &ws.normed, silu: true)
        let (batch, height, width) = (x.shape[0], ws.current.shape[2], ws.current.shape[3])
        var mean = Tensor(shape: [batch, latentChannels, height, width])
        if let quantConv {
            // quant_conv mixes all 2·latent channels, so conv_out is needed in full.
            convOut.apply(ws.normed, into: &ws.spare, columns: &ws.columns)
            quantConv.apply(input: ws.spare.readPointer, batch: batch, height: height, width: width,
                            output: mean.writePointer(), columns: &ws.columns, outputChannelLimit: latentChannels)
        } else {
            convOut.apply(input: ws.normed.readPointer, batch: batch, height: height, width: width,
                          output: mean.writePointer(), columns: &ws.columns, outputChannelLimit: latentChannels)
        }
        return mean
    }
}
