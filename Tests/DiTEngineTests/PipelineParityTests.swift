import Foundation
import XCTest
@testable import DiTEngine

/// Full generations against `gen.*` of every reference case (Training/reference/make_fixtures.py:
/// diffusers' FlowMatchEulerDiscreteScheduler + StableDiffusion3Pipeline math, torch RNG, CFG over a
/// batch [uncond, cond]). Noise and sigmas must be identical; x₀ of step 0 and the final latents
/// within their measured tolerances (`ReferenceCase.tolerances`); the 8-bit image within ±1 level
/// everywhere.
final class PipelineParityTests: XCTestCase {
    private func request(for reference: ReferenceCase) throws -> GenerationRequest {
        func number(_ key: String) throws -> Double {
            guard let value = reference.metadata[key]?.doubleValue else {
                throw EngineError.invalidInput("\(reference.name): metadata lacks '\(key)'")
            }
            return value
        }
        return GenerationRequest(prompt: reference.prompt, negativePrompt: reference.negative,
                                 seed: UInt64(try number("seed")), steps: Int(try number("steps")),
                                 guidanceScale: Float(try number("cfg")), shift: try number("shift"),
                                 sampler: .euler, noise: .torch,
                                 width: Int(try number("width")), height: Int(try number("height")))
    }

    private var pixelCases: [ReferenceCase] { ReferenceCase.all.filter { !$0.hasVAE } }
    private var latentCases: [ReferenceCase] { ReferenceCase.all.filter(\.hasVAE) }

    /// Runs a case's generation and checks everything up to the final sample; returns the pipeline
    /// and the final sample.
    private func sampleAndCheck(_ reference: ReferenceCase, report: inout [String]) throws -> (GenerationPipeline, Tensor) {
        let pipeline = try GenerationPipeline(model: DiffusionModel(directory: reference.directory))
        let prepared = try pipeline.prepare(try request(for: reference))
        let run = prepared.run
        XCTAssertEqual(run.sample.shape, try reference.tensor("gen.noise").shape, reference.name)
        XCTAssertEqual(run.sample.scalars.map(\.bitPattern), try reference.tensor("gen.noise").scalars.map(\.bitPattern),
                       "\(reference.name): torch noise must be identical")
        XCTAssertEqual(run.schedule.sigmas, try reference.tensor("gen.sigmas").scalars, "\(reference.name): sigmas")
        XCTAssertEqual(run.schedule.timesteps, try reference.tensor("gen.timesteps").scalars, "\(reference.name): timesteps")

        let first = try XCTUnwrap(try run.nextStep())
        let x0Error = assertClose(first.predictedClean, try reference.tensor("gen.x0.step0"),
                                  tolerance: reference.tolerance("gen.x0.step0"), "\(reference.name) gen.x0.step0")
        try run.run()
        XCTAssertTrue(run.isFinished)
        let latentError = assertClose(run.sample, try reference.tensor("gen.latents"),
                                      tolerance: reference.tolerance("gen.latents"), "\(reference.name) gen.latents")
        report.append("\(reference.name): x0.step0 \(x0Error), latents \(latentError)")
        return (pipeline, run.sample)
    }

    func testPixelSpaceGenerationsMatchDiffusers() throws {
        XCTAssertGreaterThanOrEqual(pixelCases.count, 4, "pixel-space reference cases missing")
        var report: [String] = []
        for reference in pixelCases {
            let (pipeline, sample) = try sampleAndCheck(reference, report: &report)
            let pixels = try pipeline.rgb8(sample)
            let expected = try reference.tensor("gen.image")  // [H, W, 3] levels as floats
            XCTAssertEqual(pixels.count, expected.count, reference.name)
            let worst = zip(pixels, expected.scalars).map { abs(Float($0) - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1, "\(reference.name): image differs by \(worst) levels")
            report[report.count - 1] += ", image max level difference \(Int(worst))"
        }
        print("Pipeline parity (pixel space):\n  " + report.joined(separator: "\n  "))
    }

    /// Sampling of latent models needs no VAE: their final latents are checked now.
    func testLatentSamplingMatchesDiffusers() throws {
        XCTAssertGreaterThanOrEqual(latentCases.count, 2, "latent reference cases missing")
        var report: [String] = []
        for reference in latentCases {
            _ = try sampleAndCheck(reference, report: &report)
        }
        print("Pipeline parity (latent sampling):\n  " + report.joined(separator: "\n  "))
    }

    func testLatentImagesMatchDiffusers() throws {
        XCTAssertGreaterThanOrEqual(latentCases.count, 2, "latent reference cases missing")
        var report: [String] = []
        for reference in latentCases {
            let (pipeline, sample) = try sampleAndCheck(reference, report: &report)
            XCTAssertNotNil(pipeline.decoder, "\(reference.name): the pipeline loads vae/ as its decoder")
            let pixels = try pipeline.rgb8(sample)
            let expected = try reference.tensor("gen.image")  // decode(latents / scaling + shift), [H, W, 3]
            XCTAssertEqual(pixels.count, expected.count, reference.name)
            let worst = zip(pixels, expected.scalars).map { abs(Float($0) - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1, "\(reference.name): image differs by \(worst) levels")
            report[report.count - 1] += ", image max level difference \(Int(worst))"
        }
        print("Pipeline parity (latent images):\n  " + report.joined(separator: "\n  "))
    }

    /// The CLI's path end to end on a latent case: generate() gives the reference image.
    func testLatentGenerateGivesTheReferenceImage() throws {
        guard let reference = latentCases.first else { return XCTFail("no latent reference case") }
        let pipeline = try GenerationPipeline(model: DiffusionModel(directory: reference.directory))
        var steps = 0
        let output = try XCTUnwrap(pipeline.generate(try request(for: reference), onStep: { _ in steps += 1; return true }))
        XCTAssertEqual(steps, try request(for: reference).steps)
        let expected = try reference.tensor("gen.image").scalars
        XCTAssertEqual(output.pixels.count, expected.count, reference.name)
        let worst = zip(output.pixels, expected).map { abs(Float($0) - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 1, reference.name)
        XCTAssertEqual(output.width * output.height * 3, output.pixels.count)
    }
}

extension ReferenceCase {
    var hasVAE: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("vae/config.json").path)
    }
}
