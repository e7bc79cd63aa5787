import XCTest
@testable import DiTEngine

final class SamplingOutputTests: XCTestCase {
    /// round(clamp((y + 1)/2, 0, 1)·255) with torch.round's half-to-even:
    /// python3 -c "import torch; y=torch.tensor([-1.,1.,0.,-2.,3.,0.39999998], dtype=torch.float32);
    ///   print(((y+1)/2).clamp(0,1).mul(255).round().tolist())"  → [0, 255, 128, 0, 255, 178]
    /// (0.39999998 gives exactly 178.5 in float32, which torch rounds to the even 178.)
    func testLevelsRoundHalfToEvenAndClamp() {
        let values: [Float] = [-1, 1, 0, -2, 3, 0.39999998]
        XCTAssertEqual(values.map(PixelConversion.level), [0, 255, 128, 0, 255, 178])
        XCTAssertEqual(PixelConversion.level(.nan), 0)
        XCTAssertEqual(PixelConversion.level(.infinity), 255)
    }

    func testRGB8InterleavesChannelsRowMajor() {
        // [1, 3, 1, 2]: red plane, green plane, blue plane
        let image = Tensor(shape: [1, 3, 1, 2], values: [1, -1, -1, 1, 0, -1])
        XCTAssertEqual(PixelConversion.rgb8(image), [255, 0, 128, 0, 255, 0])
    }

    func testGeometryValidation() throws {
        let pixel = ImageGeometry(patchSize: 4, maxPatchesPerSide: 16, channels: 3)
        XCTAssertNoThrow(try pixel.validate(width: 64, height: 32))
        XCTAssertThrowsError(try pixel.validate(width: 66, height: 64)) { error in
            XCTAssertTrue("\(error)".contains("multiples of 4"), "\(error)")
        }
        XCTAssertThrowsError(try pixel.validate(width: 68, height: 64)) { error in
            XCTAssertTrue("\(error)".contains("at most 64x64"), "\(error)")
        }
        XCTAssertThrowsError(try pixel.validate(width: 0, height: 64))
        XCTAssertEqual(pixel.noiseShape(width: 64, height: 32), [1, 3, 32, 64])

        let latent = ImageGeometry(patchSize: 2, maxPatchesPerSide: 32, channels: 4, downsamplingFactor: 8)
        XCTAssertEqual(latent.pixelMultiple, 16)
        XCTAssertEqual(latent.maxPixelsPerSide, 512)
        XCTAssertNoThrow(try latent.validate(width: 512, height: 256))
        XCTAssertThrowsError(try latent.validate(width: 520, height: 256))
        XCTAssertEqual(latent.noiseShape(width: 512, height: 256), [1, 4, 32, 64])
    }

    func testRequestParameterValidation() {
        XCTAssertNoThrow(try GenerationRequest(prompt: "a").validateParameters())
        XCTAssertThrowsError(try GenerationRequest(prompt: "a", steps: 0).validateParameters())
        XCTAssertThrowsError(try GenerationRequest(prompt: "a", guidanceScale: -1).validateParameters())
        XCTAssertThrowsError(try GenerationRequest(prompt: "a", guidanceScale: .nan).validateParameters())
        XCTAssertThrowsError(try GenerationRequest(prompt: "a", shift: 0).validateParameters())
        XCTAssertNoThrow(try GenerationRequest(prompt: "a", guidanceScale: 0).validateParameters())
    }
}
