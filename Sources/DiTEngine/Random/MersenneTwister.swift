/// The 32-bit Mersenne Twister (MT19937) as PyTorch's `CPUGeneratorImpl` runs it
/// (aten/src/ATen/core/MT19937RNGEngine.h): seeded with the low 32 bits of the seed through the
/// standard `1812433253` recurrence, tempered outputs, and `random64()` built from two draws
/// (first draw in the high word). Used by `TorchNormal`; not a general-purpose RNG.
public struct MersenneTwister: Sendable {
    private static let stateSize = 624
    private static let shiftSize = 397
    private static let matrixA: UInt32 = 0x9908_B0DF

    private var state: [UInt32]
    private var index: Int

    /// The state `torch.Generator().manual_seed(seed)` starts from.
    public init(seed: UInt64) {
        var state = [UInt32](repeating: 0, count: Self.stateSize)
        state[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<Self.stateSize {
            let previous = state[j - 1]
            state[j] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
        }
        self.state = state
        self.index = Self.stateSize  // the first draw regenerates the block, as torch's `left_ = 1` does
    }

    /// The next tempered 32-bit output (`CPUGeneratorImpl::random()`).
    public mutating func next32() -> UInt32 {
        if index == Self.stateSize { regenerate() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Two draws joined, the first in the high word (`CPUGeneratorImpl::random64()`).
    public mutating func next64() -> UInt64 {
        let high = UInt64(next32())
        let low = UInt64(next32())
        return (high << 32) | low
    }

    private mutating func regenerate() {
        let n = Self.stateSize, m = Self.shiftSize
        state.withUnsafeMutableBufferPointer { s in
            @inline(__always) func twist(_ u: UInt32, _ v: UInt32) -> UInt32 {
                let mixed = (u & 0x8000_0000) | (v & 0x7FFF_FFFF)
                return (mixed >> 1) ^ ((v & 1) != 0 ? MersenneTwister.matrixA : 0)
            }
            for k in 0..<(n - m) { s[k] = s[k + m] ^ twist(s[k], s[k + 1]) }
            for k in (n - m)..<(n - 1) { s[k] = s[k + m - n] ^ twist(s[k], s[k + 1]) }
            s[n - 1] = s[m - 1] ^ twist(s[n - 1], s[0])
        }
        index = 0
    }
}
