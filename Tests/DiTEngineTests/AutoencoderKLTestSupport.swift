import Foundation
@testable import DiTEngine

/// Test doubles for `AutoencoderKL`: the tensor names and shapes diffusers' `AutoencoderKL`
/// state dict has for a config (written out from diffusers' module tree, independently of the
/// engine's loader, and checked against the reference fixtures' files), and deterministic random
/// weights with those shapes.
enum AutoencoderKLTestSupport {
    /// The embedded model's autoencoder (Training/train_vae.py): 64×64×3 ↔ 16×16×4.
    static let embeddedConfig = AutoencoderKLConfig(blockOutChannels: [16, 32, 64], layersPerBlock: 1,
                                                    latentChannels: 4, normNumGroups: 8)

    static func weightShapes(_ config: AutoencoderKLConfig) -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        func conv(_ name: String, _ out: Int, _ inChannels: Int, _ kernel: Int) {
            shapes[name + ".weight"] = [out, inChannels, kernel, kernel]
            shapes[name + ".bias"] = [out]
        }
        func norm(_ name: String, _ channels: Int) {
            shapes[name + ".weight"] = [channels]
            shapes[name + ".bias"] = [channels]
        }
        func resnet(_ name: String, _ inChannels: Int, _ out: Int) {
            norm(name + ".norm1", inChannels)
            conv(name + ".conv1", out, inChannels, 3)
            norm(name + ".norm2", out)
            conv(name + ".conv2", out, out, 3)
            if inChannels != out { conv(name + ".conv_shortcut", out, inChannels, 1) }
        }
        func mid(_ name: String, _ channels: Int) {
            resnet(name + ".resnets.0", channels, channels)
            resnet(name + ".resnets.1", channels, channels)
            guard config.midBlockAddAttention else { return }
            norm(name + ".attentions.0.group_norm", channels)
            for projection in ["to_q", "to_k", "to_v", "to_out.0"] {
                shapes["\(name).attentions.0.\(projection).weight"] = [channels, channels]
                shapes["\(name).attentions.0.\(projection).bias"] = [channels]
            }
        }
        let blocks = config.blockOutChannels, latent = config.latentChannels
        conv("encoder.conv_in", blocks[0], config.inChannels, 3)
        var previous = blocks[0]
        for (i, width) in blocks.enumerated() {
            for j in 0..<config.layersPerBlock {
                resnet("encoder.down_blocks.\(i).resnets.\(j)", j == 0 ? previous : width, width)
            }
            if i < blocks.count - 1 { conv("encoder.down_blocks.\(i).downsamplers.0.conv", width, width, 3) }
            previous = width
        }
        mid("encoder.mid_block", blocks.last!)
        norm("encoder.conv_norm_out", blocks.last!)
        conv("encoder.conv_out", 2 * latent, blocks.last!, 3)
        if config.useQuantConv { conv("quant_conv", 2 * latent, 2 * latent, 1) }
        if config.usePostQuantConv { conv("post_quant_conv", latent, latent, 1) }
        let reversed = Array(blocks.reversed())
        conv("decoder.conv_in", reversed[0], latent, 3)
        mid("decoder.mid_block", reversed[0])
        previous = reversed[0]
        for (i, width) in reversed.enumerated() {
            for j in 0...config.layersPerBlock {
                resnet("decoder.up_blocks.\(i).resnets.\(j)", j == 0 ? previous : width, width)
            }
            if i < reversed.count - 1 { conv("decoder.up_blocks.\(i).upsamplers.0.conv", width, width, 3) }
            previous = width
        }
        norm("decoder.conv_norm_out", reversed.last!)
        conv("decoder.conv_out", config.outChannels, reversed.last!, 3)
        return shapes
    }

    /// Weights drawn like the fixtures' (kernels N(0, 1/fan_in)-sized, norm scales ≈ 1, small
    /// biases) from a fixed seed; uniform rather than normal, which is all a test double needs.
    static func randomWeights(_ config: AutoencoderKLConfig, seed: UInt64 = 1) -> [String: Tensor] {
        var generator = Generator(state: seed)
        var tensors: [String: Tensor] = [:]
        for (name, shape) in weightShapes(config).sorted(by: { $0.key < $1.key }) {
            let count = Tensor.elementCount(shape)
            let fanIn = shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1
            let isNormScale = shape.count == 1 && name.hasSuffix(".weight")
            let isBias = name.hasSuffix(".bias")
            let spread: Float = isNormScale ? 0.1 : isBias ? 0.05 : (3 / Float(fanIn)).squareRoot()
            tensors[name] = Tensor(shape: shape, values: (0..<count).map { _ in
                (isNormScale ? 1 : 0) + spread * generator.nextSigned()
            })
        }
        return tensors
    }

    static func model(_ config: AutoencoderKLConfig, tensors: [String: Tensor]) throws -> AutoencoderKL {
        try AutoencoderKL(config: config, weights: WeightLoader(source: DictionaryWeightSource(name: "vae/diffusion_pytorch_model.safetensors", tensors: tensors)))
    }

    /// A deterministic tensor with values in [−1, 1).
    static func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = Generator(state: seed)
        return Tensor(shape: shape, values: (0..<Tensor.elementCount(shape)).map { _ in generator.nextSigned() })
    }
}

extension AutoencoderKLTestSupport {
    /// A tiny deterministic generator (SplitMix64) for test data.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// Uniform in [−1, 1).
        mutating func nextSigned() -> Float {
            Float(next() >> 40) / Float(1 << 23) - 1
        }
    }
}
