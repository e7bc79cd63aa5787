import XCTest
@testable import StudioCore

final class ImageResamplerTests: XCTestCase {
    private func gray(_ values: [UInt8], width: Int) -> RGBImage {
        RGBImage(width: width, height: values.count / width, pixels: values.flatMap { [$0, $0, $0] })
    }

    private func grays(_ image: RGBImage) -> [UInt8] {
        stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }
    }

    func testDownscalingAveragesInLinearLight() {
        // Black and white average to linear 0.5, which is sRGB 188, not 128.
        let averaged = ImageResampler.resize(gray([0, 255, 255, 0], width: 2), width: 1, height: 1)
        XCTAssertEqual(grays(averaged), [188])
        XCTAssertEqual(averaged.pixels, [188, 188, 188])
    }

    func testFractionalCoverageWeightsSourcePixels() {
        // 4 → 3 pixels: output 0 covers 3/4 of pixel 0 and 1/4 of pixel 1, output 1 half of 1 and 2.
        // python: enc(0.75*dec(255)) == 225, enc(0.5) == 188, enc(0.25) == 137
        let resized = ImageResampler.resize(gray([255, 0, 255, 0], width: 4), width: 3, height: 1)
        XCTAssertEqual(grays(resized), [225, 188, 137])
    }

    func testUpscalingRepeatsPixelsExactly() {
        let image = RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 0, 0, 255])
        let wide = ImageResampler.resize(image, width: 5, height: 2)
        // Nearest source of output x is floor((x + 0.5) * 2 / 5): 0, 0, 1, 1, 1.
        let row: [UInt8] = [255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255]
        XCTAssertEqual(wide.pixels, row + row)
    }

    func testSameSizeIsUnchangedAndUniformColourStaysUniform() {
        let image = RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0 * 14) })
        XCTAssertEqual(ImageResampler.resize(image, width: 3, height: 2), image)
        let flat = RGBImage(width: 37, height: 23, fill: RGB8(200, 100, 7))
        XCTAssertEqual(ImageResampler.resize(flat, width: 5, height: 3), RGBImage(width: 5, height: 3, fill: RGB8(200, 100, 7)))
    }

    func testAreaWeightsSumToOne() {
        for (source, target) in [(7, 3), (100, 9), (10, 10), (3, 7), (512, 48)] {
            for tap in ImageResampler.taps(source: source, target: target) {
                XCTAssertEqual(tap.weights.reduce(0, +), 1, accuracy: 1e-5, "\(source) → \(target)")
                XCTAssertGreaterThanOrEqual(tap.start, 0)
                XCTAssertLessThanOrEqual(tap.start + tap.weights.count, source)
            }
        }
    }
}
