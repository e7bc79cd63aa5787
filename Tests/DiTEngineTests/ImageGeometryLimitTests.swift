import XCTest
import DiTEngine

/// The size limit is a product of config integers that are bounded one by one; a model whose
/// configs hold the largest allowed values (found by fuzzing) overflowed it and crashed.
final class ImageGeometryLimitTests: XCTestCase {
    func testTheLimitIsPatchesTimesPatchSizeTimesTheVAEFactor() {
        // SD3 medium: pos_embed_max_size 192, patch_size 2, VAE factor 8 (2 ** (4 - 1)) → 3072 pixels.
        XCTAssertEqual(ImageGeometry(patchSize: 2, maxPatchesPerSide: 192, channels: 16, downsamplingFactor: 8).maxPixelsPerSide, 3072)
        XCTAssertNil(ImageGeometry(patchSize: 2, maxPatchesPerSide: nil, channels: 16).maxPixelsPerSide)
    }

    func testALimitBeyondIntSaturatesInsteadOfOverflowing() throws {
        // 2^24 patches of 2^24 pixels × a VAE factor of 2^15 is 2^63 pixels, one more than Int.max.
        let geometry = ImageGeometry(patchSize: 1 << 24, maxPatchesPerSide: 1 << 24, channels: 16, downsamplingFactor: 1 << 15)
        XCTAssertEqual(geometry.maxPixelsPerSide, Int.max)
        XCTAssertThrowsError(try geometry.validate(width: 64, height: 64))
    }

    func testConfigsWithTheLargestAllowedValuesGiveAUsableGeometry() throws {
        let transformer = try SD3TransformerConfig(ModelConfig(
            data: Data(#"{"patch_size": 16777216, "pos_embed_max_size": 16777216}"#.utf8), name: "transformer/config.json"))
        let vae = try AutoencoderKLConfig(ModelConfig(data: Data(("{\"block_out_channels\": [" + Array(repeating: "32", count: 16).joined(separator: ",")
            + "], \"down_block_types\": [" + Array(repeating: "\"DownEncoderBlock2D\"", count: 16).joined(separator: ",")
            + "], \"up_block_types\": [" + Array(repeating: "\"UpDecoderBlock2D\"", count: 16).joined(separator: ",") + "]}").utf8),
            name: "vae/config.json"))
        XCTAssertEqual(vae.downsamplingFactor, 1 << 15)
        XCTAssertEqual(ImageGeometry(transformer: transformer, downsamplingFactor: vae.downsamplingFactor).maxPixelsPerSide, Int.max)
    }
}
