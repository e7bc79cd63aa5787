import Foundation
import XCTest
@testable import DiTEngine

/// AutoencoderKL against diffusers 0.42.1 on the reference cases that have a `vae/`
/// (`latent_vae_a`: 3 levels, quant convs, shift −0.11; `latent_vae_b`: 2 levels, 2 layers per
/// block, 16 latent channels, no quant convs, `shift_factor: null`). The expected tensors were
/// written by `Training/reference/make_fixtures.py`:
///   vae.decode.out    = vae.decode(vae.decode.in).sample
///   vae.encode.mean   = vae.encode(vae.encode.in).latent_dist.mean
///   vae.encode.latent = (vae.encode.mean − shift_factor) · scaling_factor
///   gen.image         = round(clamp((vae.decode(gen.latents / scaling + shift) + 1) / 2, 0, 1) · 255), HWC
final class AutoencoderKLParityTests: XCTestCase {
    static let caseNames = ["latent_vae_a", "latent_vae_b"]

    func cases() throws -> [(ReferenceCase, AutoencoderKL)] {
        try Self.caseNames.map { name in
            let reference = try ReferenceCase(name: name)
            return (reference, try AutoencoderKL(directory: reference.directory.appendingPathComponent("vae")))
        }
    }

    func testConfigsAreReadAsWritten() throws {
        let (a, b) = try (cases()[0].1.config, cases()[1].1.config)
        XCTAssertEqual(a, AutoencoderKLConfig(blockOutChannels: [8, 16, 16], layersPerBlock: 1, latentChannels: 4,
                                              normNumGroups: 4, scalingFactor: 1.126, shiftFactor: -0.11))
        XCTAssertEqual(b, AutoencoderKLConfig(blockOutChannels: [8, 16], layersPerBlock: 2, latentChannels: 16,
                                              normNumGroups: 4, scalingFactor: 0.87, shiftFactor: 0,
                                              useQuantConv: false, usePostQuantConv: false))
        XCTAssertEqual(try cases().map { $0.1.downsamplingFactor }, [4, 2])
    }

    func testDecoderMatchesDiffusers() throws {
        for (reference, vae) in try cases() {
            let output = try vae.decode(reference.tensor("vae.decode.in"))
            let expected = try reference.tensor("vae.decode.out")
            XCTAssertEqual(output.shape, expected.shape, reference.name)
            let error = assertClose(output, expected, tolerance: reference.tolerance("vae.decode.out"), "\(reference.name) vae.decode.out")
            print("\(reference.name) vae.decode.out max abs error \(error)")
        }
    }

    func testEncoderMeanMatchesDiffusers() throws {
        for (reference, vae) in try cases() {
            let mean = try vae.encodeMean(reference.tensor("vae.encode.in"))
            let expected = try reference.tensor("vae.encode.mean")
            XCTAssertEqual(mean.shape, expected.shape, reference.name)
            let error = assertClose(mean, expected, tolerance: reference.tolerance("vae.encode.mean"), "\(reference.name) vae.encode.mean")
            print("\(reference.name) vae.encode.mean max abs error \(error)")
        }
    }

    func testNormalisedLatentsMatchDiffusers() throws {
        for (reference, vae) in try cases() {
            let latents = try vae.encodeLatents(reference.tensor("vae.encode.in"))
            let error = assertClose(latents, try reference.tensor("vae.encode.latent"), tolerance: reference.tolerance("vae.encode.latent"),
                                    "\(reference.name) vae.encode.latent")
            print("\(reference.name) vae.encode.latent max abs error \(error)")
        }
    }

    func testFinalImageOfTheReferenceGenerationIsWithinOneLevel() throws {
        for (reference, vae) in try cases() {
            let image = try vae.decodeLatents(reference.tensor("gen.latents"))
            let pixels = PixelConversion.rgb8(image)
            let expected = try reference.tensor("gen.image").scalars  // [H, W, 3]
            XCTAssertEqual(pixels.count, expected.count, reference.name)
            var worst: Float = 0, differing = 0
            for (level, reference) in zip(pixels, expected) {
                let difference = abs(Float(level) - reference)
                worst = max(worst, difference)
                if difference > 0 { differing += 1 }
            }
            XCTAssertLessThanOrEqual(worst, 1, "\(reference.name) gen.image")
            print("\(reference.name) gen.image: max level difference \(worst), \(differing) of \(pixels.count) values differ")
        }
    }

    func testWeightNamesAreDiffusersOwn() throws {
        // The test double's independent name list agrees with what diffusers saved, so the
        // random-weight tests below exercise the same layout as real files.
        for (reference, vae) in try cases() {
            let file = try SafeTensorsFile(url: reference.directory.appendingPathComponent("vae/diffusion_pytorch_model.safetensors"))
            let shapes = AutoencoderKLTestSupport.weightShapes(vae.config)
            XCTAssertEqual(Set(shapes.keys), Set(file.tensorNames), reference.name)
            for name in file.tensorNames { XCTAssertEqual(file.info(name)?.shape, shapes[name], name) }
        }
    }

    func testRepeatedAndBatchedCallsGiveTheSameResult() throws {
        let (reference, vae) = try cases()[0]
        let z = try reference.tensor("vae.decode.in")
        let image = try reference.tensor("vae.encode.in")
        let first = try vae.decode(z)
        _ = try vae.encodeMean(image)  // the shared workspace holds other shapes in between
        XCTAssertEqual(try vae.decode(z).scalars, first.scalars)
        let other = AutoencoderKLTestSupport.randomTensor(z.shape, seed: 3)
        let pair = try vae.decode(Tensor.concatenate([z, other]))
        XCTAssertEqual(pair.shape, [2] + Array(first.shape.dropFirst()))
        assertClose(pair.slice(0..<1), first, tolerance: 1e-6, "batch item 0")
        assertClose(pair.slice(1..<2), try vae.decode(other), tolerance: 1e-6, "batch item 1")
        let means = try vae.encodeMean(Tensor.concatenate([image, image]))
        assertClose(means.slice(1..<2), try vae.encodeMean(image), tolerance: 1e-6, "encoded batch item 1")
    }
}
