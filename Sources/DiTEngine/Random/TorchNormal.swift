import Foundation

/// Reproduces `torch.randn(n, generator=torch.Generator().manual_seed(seed))` on the CPU bit for bit.
///
/// PyTorch's CPU `normal_` takes one of two paths (aten/src/ATen/native/cpu/DistributionTemplates.h):
/// - **n ≥ 16** (`normal_fill`): n uniforms `(random() & 0xFFFFFF) · 2⁻²⁴` are drawn first; then
///   every chunk of 16 becomes 16 normals by Box–Muller over pairs 8 apart (`u1 = 1 − d[j]`,
///   `u2 = d[j+8]`, cos into `j`, sin into `j+8`); when n is not a multiple of 16, 16 fresh uniforms
///   are drawn and the *last* 16 values are recomputed from them. On x86-64 the float kernel is the
///   AVX2 one (also on AVX-512 machines: `normal_stub` is registered without an AVX-512 variant), whose
///   log/sin/cos are avx_mathfun's Cephes polynomials — `TorchBoxMuller` replays them operation
///   for operation, including the fused multiply-adds GCC formed when compiling them.
/// - **n < 16** (`normal_distribution<double>`): per element, two 53-bit doubles from `random64()`,
///   `r = √(−2·log1p(−u2))`, `θ = 2π·u1`, result `r·cos θ`; `r·sin θ` is cached in the generator and
///   returned by the next scalar draw.
///
/// Verified against torch 2.13 (CPU capability AVX512) on 20 M values and every n < 16; the golden
/// tests in RNGTorchTests pin it. On CPUs without AVX2 torch itself gives other last bits.
public struct TorchNormal: NoiseSource, Sendable {
    private var engine: MersenneTwister
    /// The second normal of the last scalar Box–Muller pair (`next_double_normal_sample_`).
    private var cachedNormal: Double?

    /// The generator `torch.Generator().manual_seed(seed)` gives.
    public init(seed: UInt64) {
        engine = MersenneTwister(seed: seed)
        cachedNormal = nil
    }

    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>) {
        guard let base = buffer.baseAddress else { return }
        let count = buffer.count
        if count >= 16 {
            for i in 0..<count { base[i] = nextUniformFloat() }
            var offset = 0
            while offset + 16 <= count {
                TorchBoxMuller.transform16(base + offset)
                offset += 16
            }
            if count % 16 != 0 {
                let tail = base + (count - 16)
                for i in 0..<16 { tail[i] = nextUniformFloat() }
                TorchBoxMuller.transform16(tail)
            }
        } else {
            for i in 0..<count { base[i] = Float(nextScalarNormal()) }
        }
    }

    /// `uniform_real_distribution<float>(0, 1)`: the low 24 bits of one draw, scaled exactly.
    @inline(__always)
    private mutating func nextUniformFloat() -> Float {
        Float(engine.next32() & 0xFF_FFFF) * (1.0 / 16_777_216.0)
    }

    /// `uniform_real_distribution<double>(0, 1)`: the low 53 bits of `random64()`, scaled exactly.
    @inline(__always)
    private mutating func nextUniformDouble() -> Double {
        Double(engine.next64() & ((1 << 53) - 1)) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `normal_distribution<double>(0, 1)` with torch's cached second sample.
    private mutating func nextScalarNormal() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached * 1 + 0  // transformation::normal(val, mean 0, std 1); + 0 maps −0 to +0
        }
        let u1 = nextUniformDouble()
        let u2 = nextUniformDouble()
        let radius = (-2.0 * log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        cachedNormal = radius * sin(theta)
        return radius * cos(theta) * 1 + 0
    }
}
