import Foundation
import XCTest
@testable import StudioCore

/// Every colour type and bit depth written through libpng, read back, and compared with what the
/// PNG specification says it decodes to (8-bit RGB, gray replicated, alpha from the file or tRNS).
final class PNGRoundTripTests: XCTestCase {
    private let width = 7, height = 5 // odd, and not a multiple of 8: sub-byte rows get padding

    /// A deterministic sample for each pixel and channel that covers the whole range of `bitDepth`.
    private func sample(_ x: Int, _ y: Int, _ channel: Int, bitDepth: Int) -> UInt16 {
        let maximum = (1 << bitDepth) - 1
        return UInt16((x * 37 + y * 101 + channel * 59 + x * y * 13) * 997 % (maximum + 1))
    }

    /// A sample of `bitDepth` bits as 8 bits: bit replication for 1–4, round(v / 257) for 16.
    private func to8(_ value: UInt16, bitDepth: Int) -> UInt8 {
        switch bitDepth {
        case 16: return UInt8((2 * Int(value) + 257) / 514)
        case 8: return UInt8(value)
        default: return UInt8(Int(value) * 255 / ((1 << bitDepth) - 1))
        }
    }

    private func roundTrip(_ raw: PNGRawImage, textChunks: [PNGTextChunk] = []) throws -> PNGImage {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("image.png")
        try PNGFile.write(raw, textChunks: textChunks, to: url)
        return try PNGFile.read(from: url)
    }

    func testGrayAtEveryBitDepth() throws {
        for bitDepth in [1, 2, 4, 8, 16] {
            var samples: [UInt16] = []
            var expected: [UInt8] = []
            for y in 0..<height {
                for x in 0..<width {
                    let value = sample(x, y, 0, bitDepth: bitDepth)
                    samples.append(value)
                    let gray = to8(value, bitDepth: bitDepth)
                    expected += [gray, gray, gray]
                }
            }
            let decoded = try roundTrip(PNGRawImage(width: width, height: height, colorType: .gray,
                                                    bitDepth: bitDepth, samples: samples))
            XCTAssertEqual(decoded.format, PNGFormat(colorType: .gray, bitDepth: bitDepth), "\(bitDepth)-bit")
            XCTAssertEqual(decoded.image.pixels, expected, "gray \(bitDepth)-bit")
            XCTAssertNil(decoded.alpha)
        }
    }

    func testColourTypesWithAndWithoutAlphaAt8And16Bits() throws {
        for colorType in [PNGColorType.grayAlpha, .rgb, .rgba] {
            for bitDepth in [8, 16] {
                let channels = colorType.channels
                var samples: [UInt16] = []
                var expectedRGB: [UInt8] = []
                var expectedAlpha: [UInt8] = []
                for y in 0..<height {
                    for x in 0..<width {
                        let pixel = (0..<channels).map { sample(x, y, $0, bitDepth: bitDepth) }
                        samples += pixel
                        let eight = pixel.map { to8($0, bitDepth: bitDepth) }
                        switch colorType {
                        case .grayAlpha: expectedRGB += [eight[0], eight[0], eight[0]]; expectedAlpha.append(eight[1])
                        case .rgb: expectedRGB += eight
                        default: expectedRGB += eight[0..<3]; expectedAlpha.append(eight[3])
                        }
                    }
                }
                let decoded = try roundTrip(PNGRawImage(width: width, height: height, colorType: colorType,
                                                        bitDepth: bitDepth, samples: samples))
                let label = "\(colorType) \(bitDepth)-bit"
                XCTAssertEqual(decoded.format, PNGFormat(colorType: colorType, bitDepth: bitDepth), label)
                XCTAssertEqual(decoded.image.pixels, expectedRGB, label)
                XCTAssertEqual(decoded.alpha, colorType == .rgb ? nil : expectedAlpha, label)
            }
        }
    }

    func testPaletteAtEveryBitDepthWithAndWithoutTransparency() throws {
        for bitDepth in [1, 2, 4, 8] {
            let count = min(1 << bitDepth, 200)
            let palette = (0..<count).map { (index: Int) -> RGB8 in
                RGB8(UInt8(index * 7 % 256), UInt8(255 - index), UInt8(index * 53 % 256))
            }
            let paletteAlpha = (0..<(count + 1) / 2).map { UInt8($0 * 91 % 256) } // shorter: the rest is opaque
            let samples = (0..<width * height).map { UInt16(($0 * 31 + 3) % count) }
            for withAlpha in [false, true] {
                let raw = PNGRawImage(width: width, height: height, colorType: .palette, bitDepth: bitDepth,
                                      samples: samples, palette: palette,
                                      paletteAlpha: withAlpha ? paletteAlpha : [])
                let decoded = try roundTrip(raw)
                let label = "palette \(bitDepth)-bit alpha \(withAlpha)"
                XCTAssertEqual(decoded.format, PNGFormat(colorType: .palette, bitDepth: bitDepth), label)
                XCTAssertEqual(decoded.image.pixels, samples.flatMap { index -> [UInt8] in
                    let color = palette[Int(index)]
                    return [color.red, color.green, color.blue]
                }, label)
                XCTAssertEqual(decoded.alpha, withAlpha
                               ? samples.map { Int($0) < paletteAlpha.count ? paletteAlpha[Int($0)] : 255 }
                               : nil, label)
            }
        }
    }

    func testTransparentColourChunkBecomesAlpha() throws {
        // Gray 16-bit: the tRNS value matches on the full 16-bit sample, not the rounded 8 bits.
        let gray: [UInt16] = [1000, 1001, 1000, 65535]
        let decodedGray = try roundTrip(PNGRawImage(width: 2, height: 2, colorType: .gray, bitDepth: 16,
                                                    samples: gray, transparentColor: [1000]))
        XCTAssertEqual(decodedGray.alpha, [0, 255, 0, 255])
        XCTAssertEqual(decodedGray.image.pixels, [4, 4, 4, 4, 4, 4, 4, 4, 4, 255, 255, 255])

        let rgb: [UInt16] = [10, 20, 30, 10, 20, 31, 10, 20, 30]
        let decodedRGB = try roundTrip(PNGRawImage(width: 3, height: 1, colorType: .rgb, bitDepth: 8,
                                                   samples: rgb, transparentColor: [10, 20, 30]))
        XCTAssertEqual(decodedRGB.alpha, [0, 255, 0])
        XCTAssertEqual(decodedRGB.image.pixels, rgb.map { UInt8($0) })
    }

    func testEvery16BitValueRoundsToNearest8BitValue() throws {
        // 256 × 256 gray: each 16-bit value once; libpng's png_set_scale_16 must give round(v / 257).
        let samples = (0..<65536).map { UInt16($0) }
        let decoded = try roundTrip(PNGRawImage(width: 256, height: 256, colorType: .gray, bitDepth: 16, samples: samples))
        for value in stride(from: 0, to: 65536, by: 1) where decoded.image.pixels[value * 3] != to8(UInt16(value), bitDepth: 16) {
            XCTFail("16-bit \(value) decoded as \(decoded.image.pixels[value * 3]), expected \(to8(UInt16(value), bitDepth: 16))")
            return
        }
    }

    func testInterlacedImagesDecodeLikePlainOnes() throws {
        let pixels = (0..<13 * 11 * 3).map { (index: Int) -> UInt8 in UInt8(index * 7 % 256) }
        let image = RGBImage(width: 13, height: 11, pixels: pixels)
        var raw = PNGRawImage(image)
        raw.interlaced = true
        let decoded = try roundTrip(raw)
        XCTAssertEqual(decoded.format, PNGFormat(colorType: .rgb, bitDepth: 8, interlaced: true))
        XCTAssertEqual(decoded.image, image)
    }

    func testRGBImageWriterKeepsPixelsExactly() throws {
        let pixels = (0..<108).map { (index: Int) -> UInt8 in UInt8((index * 97 + 11) % 256) }
        let image = RGBImage(width: 9, height: 4, pixels: pixels)
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("rgb.png")
        try PNGFile.write(image, to: url)
        let decoded = try PNGFile.read(from: url)
        XCTAssertEqual(decoded.image, image)
        XCTAssertEqual(decoded.format, PNGFormat(colorType: .rgb, bitDepth: 8))
        XCTAssertNil(decoded.alpha)
        XCTAssertEqual(decoded.textChunks, [])
    }

    func testInvalidRawImagesAreRejectedBeforeWriting() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let cases: [(PNGRawImage, String)] = [
            (PNGRawImage(width: 2, height: 2, colorType: .rgb, bitDepth: 4, samples: Array(repeating: 0, count: 12)), "bit depth 4"),
            (PNGRawImage(width: 2, height: 2, colorType: .gray, bitDepth: 8, samples: [1, 2, 3]), "needs 4 samples"),
            (PNGRawImage(width: 1, height: 1, colorType: .gray, bitDepth: 2, samples: [4]), "out of range"),
            (PNGRawImage(width: 1, height: 1, colorType: .palette, bitDepth: 8, samples: [1], palette: [.black]), "out of range"),
            (PNGRawImage(width: 1, height: 1, colorType: .palette, bitDepth: 1, samples: [0],
                         palette: [.black, .white, .black]), "1 to 2 colours"),
            (PNGRawImage(width: 0, height: 1, colorType: .gray, bitDepth: 8, samples: []), "not a valid PNG size"),
        ]
        for (raw, message) in cases {
            XCTAssertThrowsError(try PNGFile.write(raw, to: directory.appendingPathComponent("bad.png"))) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
        XCTAssertEqual(try directoryListing(directory), [])
    }
}
