import Foundation
import XCTest
@testable import DiTEngine

/// Loading weights: every tensor the config implies must be present with its shape, nothing may
/// be left over, and bad inputs end in errors, never crashes.
final class AutoencoderKLLoadingTests: XCTestCase {
    let config = AutoencoderKLConfig(blockOutChannels: [8, 16], layersPerBlock: 1, latentChannels: 4, normNumGroups: 4)

    func testCompleteRandomWeightsLoadAndRun() throws {
        let vae = try AutoencoderKLTestSupport.model(config, tensors: AutoencoderKLTestSupport.randomWeights(config))
        let image = try vae.decode(AutoencoderKLTestSupport.randomTensor([1, 4, 5, 3], seed: 9))
        XCTAssertEqual(image.shape, [1, 3, 10, 6])
        XCTAssertTrue(image.isFinite)
        XCTAssertEqual(try vae.encodeMean(image).shape, [1, 4, 5, 3])
    }

    func testMissingTensorIsNamed() throws {
        var tensors = AutoencoderKLTestSupport.randomWeights(config)
        tensors["decoder.mid_block.attentions.0.to_k.weight"] = nil
        XCTAssertThrowsError(try AutoencoderKLTestSupport.model(config, tensors: tensors)) { error in
            XCTAssertEqual(error as? EngineError, .missingTensor(file: "vae/diffusion_pytorch_model.safetensors",
                                                                  name: "decoder.mid_block.attentions.0.to_k.weight",
                                                                  expectedShape: [16, 16]))
        }
    }

    func testMissingShortcutIsNamed() throws {
        var tensors = AutoencoderKLTestSupport.randomWeights(config)
        tensors["encoder.down_blocks.1.resnets.0.conv_shortcut.weight"] = nil
        XCTAssertThrowsError(try AutoencoderKLTestSupport.model(config, tensors: tensors)) { error in
            XCTAssertEqual(error as? EngineError, .missingTensor(file: "vae/diffusion_pytorch_model.safetensors",
                                                                  name: "encoder.down_blocks.1.resnets.0.conv_shortcut.weight",
                                                                  expectedShape: [16, 8, 1, 1]))
        }
    }

    func testWrongShapeIsNamed() throws {
        var tensors = AutoencoderKLTestSupport.randomWeights(config)
        tensors["decoder.up_blocks.0.upsamplers.0.conv.weight"] = Tensor(shape: [16, 16, 1, 1])
        XCTAssertThrowsError(try AutoencoderKLTestSupport.model(config, tensors: tensors)) { error in
            XCTAssertEqual(error as? EngineError, .shapeMismatch(file: "vae/diffusion_pytorch_model.safetensors",
                                                                  name: "decoder.up_blocks.0.upsamplers.0.conv.weight",
                                                                  expected: [16, 16, 3, 3], actual: [16, 16, 1, 1]))
        }
    }

    func testQuantConvWeightsWithoutTheOptionAreLeftOver() throws {
        var withoutQuant = config
        withoutQuant.useQuantConv = false
        // Weights saved with quant_conv but a config that says there is none: a mismatch to report.
        XCTAssertThrowsError(try AutoencoderKLTestSupport.model(withoutQuant, tensors: AutoencoderKLTestSupport.randomWeights(config))) { error in
            XCTAssertEqual(error as? EngineError, .unexpectedTensors(file: "vae/diffusion_pytorch_model.safetensors",
                                                                      names: ["quant_conv.bias", "quant_conv.weight"]))
        }
    }

    func testWithoutMidBlockAttention() throws {
        var plain = config
        plain.midBlockAddAttention = false
        let vae = try AutoencoderKLTestSupport.model(plain, tensors: AutoencoderKLTestSupport.randomWeights(plain))
        XCTAssertNil(vae.decoder.midBlock.attention)
        XCTAssertEqual(try vae.decode(Tensor(shape: [1, 4, 2, 2])).shape, [1, 3, 4, 4])
    }

    func testBadInputsAreErrors() throws {
        let vae = try AutoencoderKLTestSupport.model(config, tensors: AutoencoderKLTestSupport.randomWeights(config))
        for latents in [Tensor(shape: [1, 3, 4, 4]), Tensor(shape: [4, 4, 4]), Tensor(shape: [0, 4, 4, 4]), Tensor(shape: [1, 4, 0, 4])] {
            XCTAssertThrowsError(try vae.decode(latents), "\(latents.shape)")
        }
        for image in [Tensor(shape: [1, 4, 8, 8]), Tensor(shape: [1, 3, 1, 8]), Tensor(shape: [1, 3, 8, 0])] {
            XCTAssertThrowsError(try vae.encodeMean(image), "\(image.shape)")
        }
        // Odd sizes are fine, as in diffusers: the padded stride-2 convolution rounds down.
        XCTAssertEqual(try vae.encodeMean(Tensor(shape: [1, 3, 7, 2])).shape, [1, 4, 3, 1])
    }

    func testDirectoryWithoutWeightsIsAMissingFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vae-\(UUID().uuidString)/vae")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
        XCTAssertThrowsError(try AutoencoderKL(directory: directory)) { error in
            XCTAssertEqual(error as? EngineError, .missingFile(directory.appendingPathComponent("config.json")))
        }
        try Data("{\"act_fn\": \"relu\"}".utf8).write(to: directory.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try AutoencoderKL(directory: directory)) { error in
            XCTAssertEqual(error as? EngineError, .unsupportedConfig(file: "vae/config.json", key: "act_fn", value: "\"relu\""))
        }
        try Data("{}".utf8).write(to: directory.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try AutoencoderKL(directory: directory)) { error in
            XCTAssertEqual(error as? EngineError, .missingFile(directory.appendingPathComponent(AutoencoderKL.weightsFileName)))
        }
    }
}
