import CVectorKernels

/// The engine's door to the C vector kernels — GELU, softmax rows, adaLN's layer norm and gated
/// residual, F16 widening — compiled for
/// AVX-512, AVX2 and the x86-64 baseline, the best the CPU supports chosen at run time.
///
/// A Swift module is built for one instruction set (the portable baseline: SSE2), where `SIMD16`
/// code runs as four registers per vector and spills; these kernels run the same operations in
/// the same order without contraction, so every variant returns bit for bit what `Kernels`'
/// Swift formulas give — only the speed depends on the CPU (checked in `VectorKernelTests`).
public enum VectorKernels {
    /// The variants, narrowest first.
    public enum Level: Int32, Sendable, CaseIterable {
        case baseline = 0, avx2 = 1, avx512 = 2
    }

    /// The variant in force.
    public static var level: Level { Level(rawValue: dit_vk_level()) ?? .baseline }

    /// Forces a variant (at most what the CPU supports) and returns the one now in force; for
    /// tests and measurements that compare variants.
    @discardableResult
    public static func select(_ level: Level) -> Level {
        Level(rawValue: dit_vk_set_level(level.rawValue)) ?? .baseline
    }

    /// GELU with the tanh approximation, in place (see `Kernels.geluTanh`).
    @inlinable
    public static func geluTanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        dit_vk_gelu_tanh(x, count)
    }

    /// Softmax of one row of `length` floats, in place (see `Kernels.softmaxRows`).
    @inlinable
    public static func softmaxRow(_ row: UnsafeMutablePointer<Float>, length: Int) {
        dit_vk_softmax_row(row, length)
    }

    /// Layer norm and adaLN modulation of `rows` rows (see `AdaptiveModulation.layerNormModulate`).
    @inlinable
    public static func layerNormModulate(rows: Int, dimension: Int, eps: Float, input: UnsafePointer<Float>,
                                         scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                         output: UnsafeMutablePointer<Float>) {
        dit_vk_layer_norm_modulate(input, rows, dimension, eps, scale, shift, output)
    }

    /// `target[r][j] += gate[j] · source[r][j]` (see `Kernels.addGated`).
    @inlinable
    public static func addGated(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>,
                                gate: UnsafePointer<Float>, rows: Int, columns: Int) {
        dit_vk_add_gated(target, source, gate, rows, columns)
    }

    /// Float32 values of `count` F16 bit patterns (see `FloatConversion.float(fromFloat16Bits:)`).
    @inlinable
    public static func widenFloat16(_ source: UnsafePointer<UInt16>, into target: UnsafeMutablePointer<Float>, count: Int) {
        dit_vk_widen_f16(source, target, count)
    }
}
