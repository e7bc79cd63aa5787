import Foundation
import XCTest
@testable import DiTEngine

/// Editing in the engine: the img2img schedule cut against diffusers, the latent mask and pixel
/// composite, runs on the small reference model (`latent_vae_a`), inversion and vital blocks.
final class EditingTests: XCTestCase {
    // MARK: Schedule cut

    /// diffusers 0.42: `FlowMatchEulerDiscreteScheduler(shift=1).set_timesteps(N)` then
    /// `StableDiffusion3Img2ImgPipeline.get_timesteps(pipe, N, strength, "cpu")`; the first step is
    /// `len(scheduler.timesteps) − len(timesteps)`, and its first two timesteps are listed.
    func testImg2ImgStartsWhereDiffusersCutsTheSchedule() {
        let cases: [(steps: Int, strength: Double, start: Int, first: [Float])] = [
            (20, 0.6, 8, [579.3684, 526.7895]),
            (20, 0.525, 9, [526.7895, 474.2105]),  // int(20 − 10.5) = 9, not 20 − round(10.5)
            (20, 0.35, 13, [316.4737, 263.8947]),
            (28, 0.8, 5, [815.0, 778.0]),
            (10, 1.0, 0, [1000.0, 889.0]),
            (7, 0.5, 3, [500.5, 334.0]),
        ]
        for c in cases {
            let schedule = FlowMatchSchedule(steps: c.steps, shift: 1)
            let start = schedule.startStep(strength: c.strength)
            XCTAssertEqual(start, c.start, "N \(c.steps) strength \(c.strength)")
            XCTAssertEqual(schedule.timesteps[start], c.first[0], accuracy: 1e-3)
            XCTAssertEqual(schedule.timesteps[start + 1], c.first[1], accuracy: 1e-3)
        }
    }

    func testReversedScheduleWalksUpFromZero() {
        let schedule = FlowMatchSchedule(steps: 4, shift: 3)
        let reversed = schedule.reversed()
        XCTAssertEqual(reversed.sigmas, schedule.sigmas.reversed())
        XCTAssertEqual(reversed.sigmas.first, 0)
        XCTAssertEqual(reversed.steps, 4)
    }

    // MARK: Masks

    func testLatentMaskTakesAnyPixelAndDilatesByOneCell() {
        // 16×8 pixels, factor 4 → 4×2 cells; one pixel at (5, 1) is in cell (1, 0).
        var values = [UInt8](repeating: 0, count: 16 * 8)
        values[1 * 16 + 5] = 1
        let cells = LatentMask.cells(of: RegionMask(width: 16, height: 8, values: values), factor: 4)
        XCTAssertEqual(cells.width, 4)
        XCTAssertEqual(cells.height, 2)
        // Cell (1, 0) and its neighbours (0…2, 0…1) are regenerated; column 3 is kept.
        XCTAssertEqual(cells.values, [1, 1, 1, 0,
                                      1, 1, 1, 0])
    }

    func testCompositeKeepsEverySourcePixelOutsideTheMask() {
        let width = 6, height = 4
        let source = (0..<(width * height * 3)).map { UInt8($0 % 251) }
        let generated = (0..<(width * height * 3)).map { UInt8(255 - $0 % 251) }
        var values = [UInt8](repeating: 0, count: width * height)
        for y in 1...2 { for x in 1...4 { values[y * width + x] = 1 } }
        let mask = RegionMask(width: width, height: height, values: values)
        for feather in [0, 1, 3] {
            let out = PixelComposite(source: source, mask: mask, feather: feather).apply(to: generated)
            for pixel in 0..<(width * height) where values[pixel] == 0 {
                XCTAssertEqual(Array(out[(3 * pixel)..<(3 * pixel + 3)]), Array(source[(3 * pixel)..<(3 * pixel + 3)]), "feather \(feather)")
            }
            if feather == 0 {
                for pixel in 0..<(width * height) where values[pixel] != 0 {
                    XCTAssertEqual(Array(out[(3 * pixel)..<(3 * pixel + 3)]), Array(generated[(3 * pixel)..<(3 * pixel + 3)]))
                }
            }
        }
        // Feather 1: every masked pixel touches the outside, so each is weighted 1/2.
        XCTAssertEqual(PixelComposite.weights(mask: mask, feather: 1).filter { $0 > 0 }, [Float](repeating: 0.5, count: 8))
    }

    // MARK: Runs on the small reference model

    private func pipeline() throws -> GenerationPipeline {
        try GenerationPipeline(model: DiffusionModel(directory: ReferenceCase.root.appendingPathComponent("latent_vae_a")))
    }

    private func request(_ pipeline: GenerationPipeline, steps: Int = 6) -> GenerationRequest {
        let side = 2 * pipeline.geometry.pixelMultiple
        return GenerationRequest(prompt: "a large red circle", seed: 9, steps: steps, guidanceScale: 2, shift: 1,
                                 width: side, height: side)
    }

    private func sourceImage(_ pipeline: GenerationPipeline) throws -> [UInt8] {
        var plain = request(pipeline)
        plain.prompt = "a small blue square"
        return try XCTUnwrap(try pipeline.generate(plain)).pixels
    }

    func testImg2ImgRunsOnlyTheRestOfTheScheduleFromTheNoisedSource() throws {
        let p = try pipeline()
        let source = try sourceImage(p)
        let r = request(p)
        let prepared = try p.prepare(r, edit: EditRequest(mode: .img2img(strength: 0.5), source: source))
        XCTAssertEqual(prepared.run.firstStep, 3)
        XCTAssertEqual(prepared.run.stepsToRun, 3)
        // The start is σ·ε + (1 − σ)·x_src with the request's noise.
        let sigma = prepared.run.schedule.sigmas[3]
        var noise = r.noise.makeSource(seed: r.seed)
        let epsilon = noise.normalTensor(shape: prepared.run.sample.shape)
        let latent = try p.encodeSource(source, width: r.width, height: r.height)
        var expected = epsilon
        expected.scale(by: sigma)
        expected.add(latent, scaledBy: 1 - sigma)
        XCTAssertLessThanOrEqual(prepared.run.sample.maxAbsDifference(expected), 1e-6)
        var taken = 0
        while try prepared.run.nextStep() != nil { taken += 1 }
        XCTAssertEqual(taken, 3)
    }

    func testInpaintChangesNoPixelOutsideTheMaskAndSomeInside() throws {
        let p = try pipeline()
        let source = try sourceImage(p)
        let r = request(p)
        var values = [UInt8](repeating: 0, count: r.width * r.height)
        for y in 0..<(r.height / 2) { for x in 0..<(r.width / 2) { values[y * r.width + x] = 1 } }
        let mask = RegionMask(width: r.width, height: r.height, values: values)
        let output = try XCTUnwrap(try p.generate(r, edit: EditRequest(mode: .inpaint(mask: mask, strength: 1, feather: 0), source: source)))
        var changedInside = 0
        for pixel in 0..<(r.width * r.height) {
            let same = output.pixels[(3 * pixel)..<(3 * pixel + 3)] == source[(3 * pixel)..<(3 * pixel + 3)]
            if values[pixel] == 0 { XCTAssertTrue(same, "pixel \(pixel) outside the mask changed") } else if !same { changedInside += 1 }
        }
        XCTAssertGreaterThan(changedInside, 0)
    }

    /// Inversion then reconstruction with the same prompt and guidance 1: the trajectory ends at the
    /// source latent, and the round trip's error shrinks as the steps grow (Euler is first order, so
    /// inverting and re-sampling agree better on a finer grid).
    func testInversionRoundTripConvergesWithSteps() throws {
        let p = try pipeline()
        let source = try sourceImage(p)
        var errors: [Float] = []
        for steps in [6, 24] {
            var r = request(p, steps: steps)
            r.prompt = "a small blue square"
            r.guidanceScale = 1
            let inversion = try XCTUnwrap(try p.invert(source, request: r))
            XCTAssertEqual(inversion.trajectory.count, steps + 1)
            let latent = try p.encodeSource(source, width: r.width, height: r.height)
            XCTAssertEqual(inversion.trajectory[steps].scalars, latent.scalars, "the trajectory ends at the source latent")
            errors.append(try p.reconstruct(inversion, request: r).maxAbsDifference(latent))
        }
        // Observed 0.74 at 6 steps and 0.20 at 24 on this random model.
        XCTAssertLessThan(errors[1], errors[0] / 2, "\(errors)")
    }

    func testInjectionNeedsVitalBlocksThatExist() throws {
        let p = try pipeline()
        let source = try sourceImage(p)
        let r = request(p)
        XCTAssertThrowsError(try p.prepare(r, edit: EditRequest(mode: .inject(sourcePrompt: "a small blue square", vitalBlocks: []), source: source))) {
            XCTAssertTrue("\($0)".contains("vital-layers"), "\($0)")
        }
        XCTAssertThrowsError(try p.prepare(r, edit: EditRequest(mode: .inject(sourcePrompt: "a small blue square", vitalBlocks: [99]), source: source)))
        let prepared = try p.prepare(r, edit: EditRequest(mode: .inject(sourcePrompt: "a small blue square", vitalBlocks: [0]), source: source))
        try prepared.run.run()
        XCTAssertTrue(prepared.run.sample.isFinite)
    }

    func testEditRequestsAreValidated() {
        let source = [UInt8](repeating: 0, count: 8 * 8 * 3)
        func reason(_ edit: EditRequest) -> String? {
            do { try edit.validate(width: 8, height: 8); return nil } catch { return "\(error)" }
        }
        XCTAssertEqual(reason(EditRequest(mode: .img2img(strength: 0), source: source)), "the strength must be in (0, 1] (got 0.0)")
        XCTAssertEqual(reason(EditRequest(mode: .img2img(strength: 1.5), source: source)), "the strength must be in (0, 1] (got 1.5)")
        XCTAssertNil(reason(EditRequest(mode: .img2img(strength: 1), source: source)))
        XCTAssertEqual(reason(EditRequest(mode: .img2img(strength: 0.5), source: [1, 2, 3])),
                       "the source image has 3 bytes; a 8x8 RGB image has 192")
        let empty = RegionMask(width: 8, height: 8, values: [UInt8](repeating: 0, count: 64))
        XCTAssertEqual(reason(EditRequest(mode: .inpaint(mask: empty, strength: 1, feather: 0), source: source)),
                       "the mask is empty: nothing to regenerate (white marks what changes)")
        let small = RegionMask(width: 4, height: 4, values: [UInt8](repeating: 1, count: 16))
        XCTAssertEqual(reason(EditRequest(mode: .inpaint(mask: small, strength: 1, feather: 0), source: source)),
                       "the mask is 4x4 but the image is 8x8")
    }

    // MARK: Vital blocks

    func testVitalBlocksRankBypassChanges() throws {
        XCTAssertEqual(VitalBlocks.select([0.1, 0.5, 0.2, 0.05], count: 2), [1, 2])
        // The built-in model's measured ranking: block 1 (0.056) is within 20 % of block 3 (0.065).
        let measured = [0.095, 0.056, 0.035, 0.065, 0.021, 0.043]
        XCTAssertEqual(VitalBlocks.select(measured, count: 2), [0, 3])
        XCTAssertTrue(VitalBlocks.closeCall(measured, count: 2).map { $0 == (3, 1) } ?? false)
        XCTAssertNil(VitalBlocks.closeCall(measured, count: 1), "0.065 is not within 20 % of 0.095")
        XCTAssertNil(VitalBlocks.closeCall(measured, count: 6), "every block kept: no choice left")
        let p = try pipeline()
        var r = request(p, steps: 3)
        r.prompt = "a small blue square"
        let change = try VitalBlocks.bypassChange(p, requests: [r])
        XCTAssertEqual(change.count, p.model.transformer.config.numLayers)
        XCTAssertTrue(change.allSatisfy { $0 >= 0 && $0.isFinite })
        XCTAssertGreaterThan(change.max() ?? 0, 0, "bypassing some block must change the image")
    }
}
