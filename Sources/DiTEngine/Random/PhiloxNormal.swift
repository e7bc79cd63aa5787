import Foundation

/// The engine's own noise: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as
/// 1, 2, 3", SC'11) keyed by the seed, turned into normals by Box–Muller in double precision.
///
/// Counter-based: sample `i` of a seed depends only on `(seed, i)` — block `i / 4` of the counter
/// gives four 32-bit words, two pairs, four normals — so the sequence is the same however it is
/// split into calls, needs no state beyond a position, and could be filled in parallel.
public struct PhiloxNormal: NoiseSource, Sendable {
    /// The 64-bit Philox key (the seed).
    public let seed: UInt64
    /// How many samples have been drawn so far (the position in the stream).
    public private(set) var position: UInt64

    public init(seed: UInt64, position: UInt64 = 0) {
        self.seed = seed
        self.position = position
    }

    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>) {
        guard let base = buffer.baseAddress else { return }
        var written = 0
        while written < buffer.count {
            let index = position + UInt64(written)
            let block = Self.normals(block: index / 4, seed: seed)
            var lane = Int(index % 4)
            while lane < 4 && written < buffer.count {
                base[written] = block[lane]
                lane += 1
                written += 1
            }
        }
        position += UInt64(buffer.count)
    }

    /// The four normals of counter block `block`.
    @inline(__always)
    static func normals(block: UInt64, seed: UInt64) -> SIMD4<Float> {
        let words = philox4x32(counter: SIMD4(UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32), 0, 0),
                               key: SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
        let (a, b) = boxMuller(words[0], words[1])
        let (c, d) = boxMuller(words[2], words[3])
        return SIMD4(a, b, c, d)
    }

    /// Two normals from two 32-bit words: `u1 ∈ (0, 1]` keeps the logarithm finite.
    @inline(__always)
    static func boxMuller(_ w1: UInt32, _ w2: UInt32) -> (Float, Float) {
        let scale = 1.0 / 4_294_967_296.0
        let u1 = (Double(w1) + 1) * scale
        let u2 = Double(w2) * scale
        let radius = (-2 * log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        return (Float(radius * cos(theta)), Float(radius * sin(theta)))
    }

    /// Philox4x32 with 10 rounds (the Random123 reference constants).
    static func philox4x32(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        let m0: UInt64 = 0xD251_1F53, m1: UInt64 = 0xCD9E_8D57
        let w0: UInt32 = 0x9E37_79B9, w1: UInt32 = 0xBB67_AE85
        var c = counter
        var k = key
        for _ in 0..<10 {
            let p0 = m0 &* UInt64(c[0])
            let p1 = m1 &* UInt64(c[2])
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            c = SIMD4(hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0)
            k = SIMD2(k[0] &+ w0, k[1] &+ w1)
        }
        return c
    }
}
