/// The optional `post_quant_conv` followed by diffusers' VAE `Decoder`.
///
/// `conv_in` (3×3) to the deepest width, the mid block, one `UpDecoderBlock2D` per level in
/// reversed channel order (`layers_per_block + 1` ResNet blocks, then an `Upsample2D` — nearest
/// ×2 and a 3×3 convolution — in all but the last), GroupNorm + SiLU and `conv_out` (3×3).
struct AutoencoderKLDecoder: Sendable {
    struct UpBlock: Sendable {
        let resnets: [ResnetBlock2D]
        let upsampler: Upsample2D?
    }

    let postQuantConv: Conv2d?
    let convIn: Conv2d
    let midBlock: AutoencoderKLMidBlock
    let upBlocks: [UpBlock]
    let normOut: GroupNorm
    let convOut: Conv2d

    /// Loads `decoder.*` and, with `use_post_quant_conv`, `post_quant_conv.*` from `root`.
    init(_ root: WeightScope, config: AutoencoderKLConfig) throws {
        let scope = root.child("decoder")
        let reversed = Array(config.blockOutChannels.reversed()), groups = config.normNumGroups
        postQuantConv = config.usePostQuantConv
            ? try Conv2d(root.child("post_quant_conv"), inChannels: config.latentChannels,
                         outChannels: config.latentChannels, kernelSize: 1)
            : nil
        convIn = try Conv2d(scope.child("conv_in"), inChannels: config.latentChannels, outChannels: reversed[0],
                            kernelSize: 3, padding: .uniform(1))
        midBlock = try AutoencoderKLMidBlock(scope.child("mid_block"), channels: reversed[0], groups: groups,
                                             attention: config.midBlockAddAttention)
        var blocks: [UpBlock] = []
        var previous = reversed[0]
        for (index, width) in reversed.enumerated() {
            let blockScope = scope.child("up_blocks.\(index)")
            let resnets = try (0...config.layersPerBlock).map { layer in
                try ResnetBlock2D(blockScope.child("resnets.\(layer)"), inChannels: layer == 0 ? previous : width,
                                  outChannels: width, groups: groups)
            }
            let isLast = index == reversed.count - 1
            let upsampler = isLast ? nil : try Upsample2D(blockScope.child("upsamplers.0"), channels: width)
            blocks.append(UpBlock(resnets: resnets, upsampler: upsampler))
            previous = width
        }
        upBlocks = blocks
        let finest = reversed[reversed.count - 1]
        normOut = try GroupNorm(scope.child("conv_norm_out"), channels: finest, groups: groups, eps: AutoencoderKLConfig.normEps)
        convOut = try Conv2d(scope.child("conv_out"), inChannels: finest, outChannels: config.outChannels,
                             kernelSize: 3, padding: .uniform(1))
    }

    /// Images `[B, out_channels, H, W]` from latents `z` `[B, latent_channels, h, w]` (sizes
    /// already validated).
    func decode(_ z: Tensor, workspace ws: AutoencoderKLWorkspace) -> Tensor {
        if let postQuantConv {
            postQuantConv.apply(z, into: &ws.spare, columns: &ws.columns)
            convIn.apply(ws.spare, into: &ws.current, columns: &ws.columns)
        } else {
            convIn.apply(z, into: &ws.current, columns: &ws.columns)
        }
        midBlock.apply(ws)
        for block in upBlocks {
            for resnet in block.resnets { resnet.apply(ws) }
            if let upsampler = block.upsampler {
                upsampler.apply(ws.current, into: &ws.spare, phase: &ws.hidden, columns: &ws.columns)
                swap(&ws.current, &ws.spare)
            }
        }
        normOut.apply(ws.current, into: &ws.normed, silu: true)
        var image = Tensor(shape: [0])
        convOut.apply(ws.normed, into: &image, columns: &ws.columns)
        return image
    }
}
