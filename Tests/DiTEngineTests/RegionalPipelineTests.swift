import Foundation
import XCTest
@testable import DiTEngine

/// Regional prompting through the pipeline, on the small reference model `latent_vae_a`.
final class RegionalPipelineTests: XCTestCase {
    private func pipeline() throws -> GenerationPipeline {
        try GenerationPipeline(model: DiffusionModel(directory: ReferenceCase.root.appendingPathComponent("latent_vae_a")))
    }

    private func request(_ pipeline: GenerationPipeline, regional: RegionalPrompt? = nil) -> GenerationRequest {
        let side = 2 * pipeline.geometry.pixelMultiple
        return GenerationRequest(prompt: "a large red circle", seed: 5, steps: 4, guidanceScale: 3, shift: 1,
                                 width: side, height: side, regional: regional)
    }

    private func finalSample(_ pipeline: GenerationPipeline, _ request: GenerationRequest) throws -> [Float] {
        let run = try pipeline.prepare(request).run
        try run.run()
        return run.sample.scalars
    }

    private let twoRegions = [RegionalPrompt.Region(area: .box(x0: 0, y0: 0, x1: 0.5, y1: 1), prompt: "a small blue square"),
                              RegionalPrompt.Region(area: .box(x0: 0.5, y0: 0, x1: 1, y1: 1), prompt: "a large green triangle")]

    /// With no injected step the layout never acts: bit for bit the plain image.
    func testZeroInjectStepsIsPlainGeneration() throws {
        let p = try pipeline()
        let plain = try finalSample(p, request(p))
        let regional = try finalSample(p, request(p, regional: RegionalPrompt(regions: twoRegions, injectSteps: 0)))
        XCTAssertEqual(plain.map(\.bitPattern), regional.map(\.bitPattern))
    }

    /// Hooks that change nothing leave the forward exactly as it was (the door costs no accuracy).
    func testEmptyHooksAreThePlainForward() throws {
        final class Silent: TransformerBlockHooks {}
        let model = try pipeline().model.transformer
        let x = Tensor(shape: [1, model.config.inChannels, 4, 4], values: (0..<(model.config.inChannels * 16)).map { Float($0 % 7) / 7 - 0.5 })
        let context = Tensor(shape: [1, 5, model.config.jointAttentionDim], repeating: 0.25)
        let pooled = Tensor(shape: [1, model.config.pooledProjectionDim], repeating: -0.5)
        let plain = try model.forward(x: x, timesteps: [700], context: context, pooled: pooled)
        let hooked = try model.forward(x: x, timesteps: [700], context: context, pooled: pooled,
                                       forward: ForwardContext(step: 0, sigma: 0.7, hooks: Silent()))
        XCTAssertEqual(plain.scalars.map(\.bitPattern), hooked.scalars.map(\.bitPattern))
    }

    /// The regions change the image while they are injected, and the run stays finite.
    func testRegionsChangeTheImage() throws {
        let p = try pipeline()
        let plain = try finalSample(p, request(p))
        let regional = try finalSample(p, request(p, regional: RegionalPrompt(regions: twoRegions, injectSteps: 2)))
        XCTAssertTrue(regional.allSatisfy(\.isFinite))
        let difference = zip(plain, regional).map { abs($0 - $1) }.max() ?? 0
        XCTAssertGreaterThan(difference, 1e-3)
    }

    /// A region covering everything with the base prompt itself and β = 1: the image rows see only
    /// the base branch, which is the plain forward — the same image as plain generation, to rounding.
    func testBaseRatioOneIsTheBaseBranch() throws {
        let p = try pipeline()
        let plain = try finalSample(p, request(p))
        let everything = [RegionalPrompt.Region(area: .box(x0: 0, y0: 0, x1: 1, y1: 1), prompt: "a small blue square")]
        let regional = try finalSample(p, request(p, regional: RegionalPrompt(regions: everything, baseRatio: 1, injectSteps: 4)))
        let difference = zip(plain, regional).map { abs($0 - $1) }.max() ?? .infinity
        // Observed 1.2e-6 after 4 steps: the masked softmax sums in another order than the plain one.
        XCTAssertLessThanOrEqual(difference, 5e-6)
    }

    func testLayoutsAreValidatedWithTheRegionNamed() throws {
        let p = try pipeline()
        let bad = RegionalPrompt(regions: [RegionalPrompt.Region(area: .box(x0: 0.5, y0: 0, x1: 0.5, y1: 1), prompt: "x")])
        XCTAssertThrowsError(try p.prepare(request(p, regional: bad))) { error in
            XCTAssertEqual("\(error)", "region 1: the box 0.50,0.00,0.50,1.00 has no area (need x0 < x1 and y0 < y1)")
        }
        let outside = RegionalPrompt(regions: [RegionalPrompt.Region(area: .box(x0: -0.1, y0: 0, x1: 0.5, y1: 1), prompt: "x")])
        XCTAssertThrowsError(try p.prepare(request(p, regional: outside)))
        let empty = RegionalPrompt(regions: [RegionalPrompt.Region(area: .mask(RegionMask(width: 2, height: 1, values: [0, 0])), prompt: "x")])
        XCTAssertThrowsError(try p.prepare(request(p, regional: empty)))
        let many = RegionalPrompt(regions: Array(repeating: twoRegions[0], count: RegionalPrompt.maximumRegions + 1))
        XCTAssertThrowsError(try p.prepare(request(p, regional: many)))
    }

    func testRegionPromptWarningsNameTheRegion() throws {
        let p = try pipeline()
        let regions = [RegionalPrompt.Region(area: .box(x0: 0, y0: 0, x1: 1, y1: 1), prompt: "a large zebra")]
        let warnings = try p.prepare(request(p, regional: RegionalPrompt(regions: regions))).warnings
        XCTAssertTrue(warnings.contains { $0.role == .regionPrompt(1) && $0.description.contains("'zebra'") }, "\(warnings)")
    }
}
