import Foundation
import XCTest
@testable import StudioCore

/// Tiny files whose headers promise huge allocations (found by fuzzing) are refused before libpng
/// allocates: a 2^28 × 1 image (libpng wants two rows of 2 GiB each) and a chunk declared longer
/// than the file (libpng allocates and zero-fills the declared length before reading).
final class PNGHostileHeaderTests: XCTestCase {
    private func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let kind = Array(type.utf8)
        return bigEndian(UInt32(body.count)) + kind + body + bigEndian(crc32(kind + body))
    }

    /// The PNG specification's CRC-32 (polynomial 0xEDB88320), bit by bit.
    private func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private func header(width: UInt32, height: UInt32, colorType: UInt8 = 6) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", bigEndian(width) + bigEndian(height) + [8, colorType, 0, 0, 0])
    }

    private func readError(_ bytes: [UInt8]) throws -> String {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("hostile.png")
        try Data(bytes).write(to: url)
        do {
            _ = try PNGFile.read(from: url)
        } catch {
            return "\(error)"
        }
        XCTFail("reading should fail")
        return ""
    }

    func testAnImageWiderOrTallerThan65536PixelsIsTooLarge() throws {
        let idat = chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
        XCTAssertTrue(try readError(header(width: 1 << 28, height: 1) + idat).contains("too large (268435456x1 pixels)"))
        XCTAssertTrue(try readError(header(width: 1, height: 65537) + idat).contains("too large"))
        // The limits themselves pass the size check and fail on the missing pixels instead.
        let atLimit = try readError(header(width: 65536, height: 1) + idat)
        XCTAssertFalse(atLimit.contains("too large"), atLimit)
    }

    func testAChunkLongerThanTheFileIsTruncationNotAnAllocation() throws {
        // A zTXt chunk declaring 1.5 GB, followed by 48 bytes: the fuzzer's 89-byte finding.
        let bytes = header(width: 5, height: 3, colorType: 2) + bigEndian(1_493_172_255) + Array("zTXt".utf8)
            + [UInt8](repeating: 0x41, count: 48)
        XCTAssertTrue(try readError(bytes).contains("the file is truncated (a chunk runs past the end of the file)"))
    }
}
