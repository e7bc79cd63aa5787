import Foundation
import XCTest
@testable import DiTEngine

/// The branch-free F16 widening that weight loading vectorises must give, for every one of the
/// 65 536 bit patterns, exactly what Swift's own `Float16` conversion gives (NaNs included).
final class FloatConversionTests: XCTestCase {
    func testEveryFloat16PatternWidensLikeSwiftsFloat16() {
        var mismatches: [UInt16] = []
        for bits in 0...UInt16.max
        where FloatConversion.float(fromFloat16Bits: bits).bitPattern != Float(Float16(bitPattern: bits)).bitPattern {
            mismatches.append(bits)
        }
        XCTAssertEqual(mismatches.count, 0, "first mismatches: \(mismatches.prefix(5).map { String($0, radix: 16) })")
    }

    /// `decode` over an aligned buffer (the vectorised loop) and an odd-aligned one (the byte loop)
    /// agree with the element-wise conversion, including a tail shorter than a vector.
    func testDecodeOfF16MatchesElementwiseOnAlignedAndUnalignedSources() {
        let patterns: [UInt16] = (0..<1_037).map { UInt16(truncatingIfNeeded: $0 &* 40_503 &+ 7) }
        let expected = patterns.map { Float(Float16(bitPattern: $0)).bitPattern }
        var bytes = [UInt8](repeating: 0, count: 1 + 2 * patterns.count)
        for offset in [0, 1] {
            for (index, bits) in patterns.enumerated() {
                bytes[offset + 2 * index] = UInt8(bits & 0xFF)
                bytes[offset + 2 * index + 1] = UInt8(bits >> 8)
            }
            var decoded = [Float](repeating: 0, count: patterns.count)
            bytes.withUnsafeBytes { raw in
                decoded.withUnsafeMutableBufferPointer { target in
                    FloatConversion.decode(raw.baseAddress! + offset, dtype: .f16, count: patterns.count, into: target.baseAddress!)
                }
            }
            XCTAssertEqual(decoded.map(\.bitPattern), expected, "source offset \(offset)")
        }
    }
}
