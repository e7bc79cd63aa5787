import Foundation
import XCTest
@testable import DiTEngine

/// The pipeline's own behaviour on a small reference model (sd3_basic): validation, warnings,
/// guidance branches, stopping, determinism.
final class PipelineTests: XCTestCase {
    private func pipeline() throws -> GenerationPipeline {
        try GenerationPipeline(model: DiffusionModel(directory: ReferenceCase.root.appendingPathComponent("sd3_basic")))
    }

    func testGeometryComesFromTheTransformerConfig() throws {
        let p = try pipeline()
        // sd3_basic: patch 2, pos_embed_max_size 8, 3 channels, pixel space
        XCTAssertEqual(p.geometry, ImageGeometry(patchSize: 2, maxPatchesPerSide: 8, channels: 3, downsamplingFactor: 1))
        XCTAssertEqual(try ImageGeometry(modelDirectory: ReferenceCase.root.appendingPathComponent("sd3_basic")), p.geometry)
        let latent = try ImageGeometry(modelDirectory: ReferenceCase.root.appendingPathComponent("latent_vae_a"))
        XCTAssertGreaterThan(latent.downsamplingFactor, 1)
    }

    func testBadSizesAreRefusedWithAReason() throws {
        let p = try pipeline()
        XCTAssertThrowsError(try p.prepare(GenerationRequest(prompt: "a", width: 15, height: 16))) { error in
            XCTAssertTrue("\(error)".contains("multiples of 2"), "\(error)")
        }
        XCTAssertThrowsError(try p.prepare(GenerationRequest(prompt: "a", width: 18, height: 16))) { error in
            XCTAssertTrue("\(error)".contains("at most 16x16"), "\(error)")
        }
    }

    func testUnknownWordsAndTruncationAreReported() throws {
        let p = try pipeline()
        let prepared = try p.prepare(GenerationRequest(prompt: "a red zebra circle", negativePrompt: "qwerty",
                                                       steps: 1, width: 8, height: 8))
        XCTAssertEqual(prepared.warnings, [PromptWarning(role: .prompt, kind: .unknownWords(["zebra"])),
                                           PromptWarning(role: .negativePrompt, kind: .unknownWords(["qwerty"]))])
        XCTAssertTrue(prepared.warnings[0].description.contains("'zebra'"))

        let long = Array(repeating: "red", count: 40).joined(separator: " ")
        let truncated = try p.prepare(GenerationRequest(prompt: long, steps: 1, width: 8, height: 8))
        XCTAssertEqual(truncated.warnings, [PromptWarning(role: .prompt, kind: .truncated(contextLength: 16))])
    }

    func testSameRequestSameImageOtherSeedOtherImage() throws {
        let p = try pipeline()
        let request = GenerationRequest(prompt: "a red circle", seed: 3, steps: 3, guidanceScale: 4, width: 8, height: 8)
        let a = try XCTUnwrap(p.generate(request))
        let b = try XCTUnwrap(p.generate(request))
        XCTAssertEqual(a.pixels, b.pixels)
        XCTAssertEqual(a.pixels.count, 8 * 8 * 3)
        var other = request
        other.seed = 4
        XCTAssertNotEqual(try XCTUnwrap(p.generate(other)).sample.scalars, a.sample.scalars)
        var native = request
        native.noise = .native
        XCTAssertNotEqual(try XCTUnwrap(p.generate(native)).sample.scalars, a.sample.scalars)
    }

    func testGuidanceOneIgnoresTheNegativePrompt() throws {
        let p = try pipeline()
        var request = GenerationRequest(prompt: "a red circle", negativePrompt: "blue", seed: 1, steps: 2,
                                        guidanceScale: 1, width: 8, height: 8)
        let withNegative = try XCTUnwrap(p.generate(request)).sample
        request.negativePrompt = "green square"
        XCTAssertEqual(try XCTUnwrap(p.generate(request)).sample.scalars, withNegative.scalars)
        XCTAssertEqual(try p.prepare(request).run.guidance.branches, .conditionalOnly)
        request.guidanceScale = 3
        XCTAssertNotEqual(try XCTUnwrap(p.generate(request)).sample.scalars, withNegative.scalars)
    }

    func testStoppingEarlyReturnsNil() throws {
        let p = try pipeline()
        var seen: [Int] = []
        let output = try p.generate(GenerationRequest(prompt: "a", steps: 5, width: 8, height: 8)) { step in
            seen.append(step.index)
            return step.index < 1
        }
        XCTAssertNil(output)
        XCTAssertEqual(seen, [0, 1])
    }

    func testHeunRunsAndDiffersFromEuler() throws {
        let p = try pipeline()
        var request = GenerationRequest(prompt: "a red circle", seed: 5, steps: 3, width: 8, height: 8)
        let euler = try XCTUnwrap(p.generate(request)).sample
        request.sampler = .heun
        let prepared = try p.prepare(request)
        XCTAssertEqual(prepared.run.totalEvaluations, 5)
        let heun = try XCTUnwrap(p.generate(request)).sample
        XCTAssertTrue(heun.isFinite)
        XCTAssertNotEqual(heun.scalars, euler.scalars)
    }
}

/// A decoder double: records its input and returns it unchanged (3 latent channels, factor 1).
final class IdentityLatentDecoder: LatentDecoder {
    let scalingFactor: Float
    let shiftFactor: Float
    let downsamplingFactor = 1
    let latentChannels: Int
    let imageChannels: Int
    private(set) var inputs: [Tensor] = []

    init(scalingFactor: Float = 2, shiftFactor: Float = 0.5, latentChannels: Int = 3, imageChannels: Int = 3) {
        self.scalingFactor = scalingFactor
        self.shiftFactor = shiftFactor
        self.latentChannels = latentChannels
        self.imageChannels = imageChannels
    }

    func decode(_ latents: Tensor) throws -> Tensor {
        inputs.append(latents)
        return latents
    }
}

final class PipelineDecoderTests: XCTestCase {
    private var basic: URL { ReferenceCase.root.appendingPathComponent("sd3_basic") }

    /// decode(x) = VAE(x / scaling_factor + shift_factor), as diffusers' SD3 pipeline does.
    func testDecodeAppliesTheLatentNormalisation() throws {
        let decoder = IdentityLatentDecoder(scalingFactor: 2, shiftFactor: 0.5)
        let pipeline = try GenerationPipeline(model: DiffusionModel(directory: basic), decoder: decoder)
        // sd3_basic has no vae/: a pixel-space model ignores the decoder.
        XCTAssertNil(pipeline.decoder)
        let x = Tensor(shape: [1, 3, 1, 1], values: [1, -1, 3])
        XCTAssertEqual(try pipeline.decode(x).scalars, [1, -1, 3])

        let latent = try GenerationPipeline(model: DiffusionModel(directory: ReferenceCase.root.appendingPathComponent("latent_vae_a")),
                                            decoder: IdentityLatentDecoder(latentChannels: 4))
        let stub = try XCTUnwrap(latent.decoder as? IdentityLatentDecoder)
        _ = try latent.decode(Tensor(shape: [1, 4, 1, 1], values: [1, -1, 3, 0]))
        XCTAssertEqual(stub.inputs.last?.scalars, [1.0, 0.0, 2.0, 0.5])  // x / 2 + 0.5
    }

    func testModelsWhosePartsDoNotFitAreRefused() throws {
        let rgb = SD3TransformerConfig(inChannels: 3)
        let latent4 = SD3TransformerConfig(inChannels: 4)
        XCTAssertNoThrow(try GenerationPipeline.checkChannels(transformer: rgb, decoder: nil))
        XCTAssertNoThrow(try GenerationPipeline.checkChannels(transformer: latent4, decoder: IdentityLatentDecoder(latentChannels: 4)))
        XCTAssertThrowsError(try GenerationPipeline.checkChannels(transformer: latent4, decoder: nil)) { error in
            XCTAssertTrue("\(error)".contains("in_channels"), "\(error)")
        }
        XCTAssertThrowsError(try GenerationPipeline.checkChannels(transformer: latent4, decoder: IdentityLatentDecoder(latentChannels: 16))) { error in
            XCTAssertTrue("\(error)".contains("latent_channels"), "\(error)")
        }
        XCTAssertThrowsError(try GenerationPipeline.checkChannels(transformer: latent4,
                                                                 decoder: IdentityLatentDecoder(latentChannels: 4, imageChannels: 4)))
        XCTAssertThrowsError(try GenerationPipeline.checkChannels(transformer: SD3TransformerConfig(inChannels: 3, outChannels: 6), decoder: nil)) { error in
            XCTAssertTrue("\(error)".contains("out_channels"), "\(error)")
        }
    }
}
