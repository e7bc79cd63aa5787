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
