import Foundation
import XCTest
@testable import DiTEngine

/// Reading `vae/config.json`: diffusers' defaults, `shift_factor: null`, and refusal (with the
/// file and key named) of whatever the engine does not implement.
final class AutoencoderKLConfigTests: XCTestCase {
    /// `latent_vae_a`'s config as diffusers wrote it, with `changes` applied (nil removes a key).
    func config(_ changes: [String: String?] = [:]) throws -> AutoencoderKLConfig {
        var entries: [String: String] = [
            "_class_name": "\"AutoencoderKL\"", "act_fn": "\"silu\"", "block_out_channels": "[8, 16, 16]",
            "down_block_types": "[\"DownEncoderBlock2D\", \"DownEncoderBlock2D\", \"DownEncoderBlock2D\"]",
            "up_block_types": "[\"UpDecoderBlock2D\", \"UpDecoderBlock2D\", \"UpDecoderBlock2D\"]",
            "force_upcast": "true", "in_channels": "3", "out_channels": "3", "latent_channels": "4",
            "latents_mean": "null", "latents_std": "null", "layers_per_block": "1",
            "mid_block_add_attention": "true", "norm_num_groups": "4", "sample_size": "32",
            "scaling_factor": "1.126", "shift_factor": "-0.11", "use_quant_conv": "true", "use_post_quant_conv": "true",
        ]
        for (key, value) in changes { entries[key] = value }
        let json = "{" + entries.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        return try AutoencoderKLConfig(ModelConfig(data: Data(json.utf8), name: "vae/config.json"))
    }

    func assertRefused(_ changes: [String: String?], _ expected: EngineError, mentioning words: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try config(changes), file: file, line: line) { error in
            XCTAssertEqual(error as? EngineError, expected, file: file, line: line)
            let message = String(describing: error)
            for word in words { XCTAssertTrue(message.contains(word), "'\(message)' lacks '\(word)'", file: file, line: line) }
        }
    }

    func testReadsEveryKey() throws {
        let parsed = try config()
        XCTAssertEqual(parsed, AutoencoderKLConfig(inChannels: 3, outChannels: 3, blockOutChannels: [8, 16, 16],
                                                   layersPerBlock: 1, latentChannels: 4, normNumGroups: 4,
                                                   scalingFactor: 1.126, shiftFactor: -0.11))
        XCTAssertEqual(parsed.downsamplingFactor, 4)
        let other = try config(["use_quant_conv": "false", "mid_block_add_attention": "false", "act_fn": "\"swish\""])
        XCTAssertFalse(other.useQuantConv)
        XCTAssertTrue(other.usePostQuantConv)
        XCTAssertFalse(other.midBlockAddAttention)
    }

    func testNullOrAbsentShiftFactorIsZero() throws {
        XCTAssertEqual(try config(["shift_factor": "null"]).shiftFactor, 0)
        XCTAssertEqual(try config(["shift_factor": nil]).shiftFactor, 0)
    }

    func testAbsentKeysTakeDiffusersDefaults() throws {
        let minimal = try AutoencoderKLConfig(ModelConfig(data: Data("{}".utf8), name: "vae/config.json"))
        // AutoencoderKL.__init__ defaults (diffusers/models/autoencoders/autoencoder_kl.py:79–97).
        XCTAssertEqual(minimal, AutoencoderKLConfig(inChannels: 3, outChannels: 3, blockOutChannels: [64], layersPerBlock: 1,
                                                    latentChannels: 4, normNumGroups: 32, scalingFactor: 0.18215,
                                                    shiftFactor: 0, useQuantConv: true, usePostQuantConv: true,
                                                    midBlockAddAttention: true))
        XCTAssertEqual(minimal.downsamplingFactor, 1)
    }

    func testRefusesUnknownDownBlockType() {
        assertRefused(["down_block_types": "[\"DownEncoderBlock2D\", \"AttnDownEncoderBlock2D\", \"DownEncoderBlock2D\"]"],
                      .unsupportedConfig(file: "vae/config.json", key: "down_block_types", value: "\"AttnDownEncoderBlock2D\""),
                      mentioning: ["vae/config.json", "down_block_types", "AttnDownEncoderBlock2D"])
    }

    func testRefusesUnknownUpBlockType() {
        assertRefused(["up_block_types": "[\"UpDecoderBlock2D\", \"UpDecoderBlock2D\", \"AttnUpDecoderBlock2D\"]"],
                      .unsupportedConfig(file: "vae/config.json", key: "up_block_types", value: "\"AttnUpDecoderBlock2D\""),
                      mentioning: ["up_block_types", "AttnUpDecoderBlock2D"])
    }

    func testRefusesOtherActivations() {
        assertRefused(["act_fn": "\"gelu\""], .unsupportedConfig(file: "vae/config.json", key: "act_fn", value: "\"gelu\""),
                      mentioning: ["vae/config.json", "act_fn", "gelu"])
    }

    func testRefusesLatentStatistics() {
        assertRefused(["latents_mean": "[0.1, 0.2, 0.3, 0.4]"],
                      .unsupportedConfig(file: "vae/config.json", key: "latents_mean", value: "[0.1, 0.2, 0.3, 0.4]"),
                      mentioning: ["latents_mean"])
        assertRefused(["latents_std": "[1, 1, 1, 1]"],
                      .unsupportedConfig(file: "vae/config.json", key: "latents_std", value: "[1, 1, 1, 1]"),
                      mentioning: ["latents_std"])
    }

    func testRefusesAnotherModelClass() {
        assertRefused(["_class_name": "\"AutoencoderKLCogVideoX\""],
                      .unsupportedConfig(file: "vae/config.json", key: "_class_name", value: "\"AutoencoderKLCogVideoX\""),
                      mentioning: ["_class_name"])
    }

    func testRefusesInconsistentSizes() {
        XCTAssertThrowsError(try config(["up_block_types": "[\"UpDecoderBlock2D\", \"UpDecoderBlock2D\"]"])) { error in
            guard case .invalidConfig(_, let key, _)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "up_block_types")
        }
        XCTAssertThrowsError(try config(["norm_num_groups": "3"])) { error in
            guard case .invalidConfig(_, let key, _)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "norm_num_groups")
        }
        XCTAssertThrowsError(try config(["block_out_channels": "[]", "down_block_types": "[]", "up_block_types": "[]"]))
        let seventeen = "[" + Array(repeating: "8", count: 17).joined(separator: ", ") + "]"
        let seventeenTypes = { (name: String) in "[" + Array(repeating: "\"\(name)\"", count: 17).joined(separator: ", ") + "]" }
        XCTAssertThrowsError(try config(["block_out_channels": seventeen, "down_block_types": seventeenTypes("DownEncoderBlock2D"),
                                         "up_block_types": seventeenTypes("UpDecoderBlock2D")])) { error in
            guard case .invalidConfig(_, let key, _)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "block_out_channels")
        }
        XCTAssertThrowsError(try config(["scaling_factor": "0"]))
        XCTAssertThrowsError(try config(["use_quant_conv": "\"yes\""])) { error in
            guard case .invalidConfig(_, let key, _)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "use_quant_conv")
        }
    }
}
