import Foundation
import XCTest
@testable import DiTEngine

/// The C vector kernels (`VectorKernels`): every variant this CPU can run gives bit for bit the
/// Swift formulas it replaced, and those stay within a stated distance of the exact functions.
final class VectorKernelTests: XCTestCase {
    /// Runs `body` once under each variant the CPU supports, then restores the best one.
    private func forEachVariant(_ body: (VectorKernels.Level) -> Void) {
        defer { VectorKernels.select(.avx512) }
        var seen = Set<VectorKernels.Level>()
        for level in VectorKernels.Level.allCases {
            let inForce = VectorKernels.select(level)
            guard inForce == level, seen.insert(level).inserted else { continue }
            body(level)
        }
        XCTAssertTrue(seen.contains(.baseline), "the baseline variant runs everywhere")
    }

    /// Inputs across GELU's range: a fine sweep, values near the exponential's clamps, zeros,
    /// infinities and subnormals.
    private static let geluInputs: [Float] = {
        var values = stride(from: Float(-12), through: 12, by: 0.00731).map { $0 }
        values += [0, -0, 1e-30, -1e-30, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                   .infinity, -.infinity, 60, -60, 1e4, -1e4, .greatestFiniteMagnitude]
        return values
    }()

    func testGeluVariantsMatchTheScalarFormulaBitForBit() {
        let inputs = Self.geluInputs
        forEachVariant { level in
            // Every length from 1 to 40 at an odd offset exercises full vectors and each tail.
            for length in [1, 7, 15, 16, 17, 31, 33, 40, inputs.count] {
                var values = Array(inputs.prefix(length))
                values.withUnsafeMutableBufferPointer { Kernels.geluTanh($0.baseAddress!, count: length) }
                for (index, value) in values.enumerated() {
                    let expected = Kernels.geluTanh(inputs[index])
                    if value.bitPattern != expected.bitPattern {
                        XCTFail("\(level): gelu(\(inputs[index])) = \(value), scalar formula \(expected)")
                        return
                    }
                }
            }
            var nan: [Float] = [.nan]
            nan.withUnsafeMutableBufferPointer { Kernels.geluTanh($0.baseAddress!, count: 1) }
            XCTAssertTrue(nan[0].isNaN, "\(level): NaN stays NaN")
        }
    }

    /// Against 0.5·x·(1 + tanh(u)), u = √(2/π)(x + 0.044715x³) — torch's
    /// `F.gelu(x, approximate="tanh")` — in double precision, written as x / (1 + e^(−2u)) (the
    /// same function without the cancellation of 1 + tanh(u) for negative x).
    ///
    /// The error is measured in units of ulp(result) + |result|·|2u|·ε (ε = 2⁻²³): the second
    /// term is what a float32 evaluation cannot avoid, since u is only known to about one ulp and
    /// for negative x the result scales as e^(2u) (at x = −9 that alone is ~60 ulp of the result).
    /// Measured: at most 1.37 such units for −9 ≤ x ≤ 12, for every variant (they agree bit for
    /// bit). Bound: 2, which allows fastExp's ~2.5 ulp (3e-7 relative) on top of one rounding; it
    /// is a relative error of at most 5e-7 where |x| ≤ 2 and far inside the engine's 1e-4
    /// per-stage parity budget with PyTorch everywhere. Below x ≈ −9.6 the exponential's clamp
    /// (e^88.7) takes over: results of ~1e-37 replace ones under 1e-36, checked as an absolute
    /// error under 1e-30.
    func testGeluIsWithinTwoUnitsOfTheExactFunction() {
        let inputs = stride(from: Float(-12), through: 12, by: 0.000977).map { $0 }
        forEachVariant { level in
            var values = inputs
            values.withUnsafeMutableBufferPointer { Kernels.geluTanh($0.baseAddress!, count: inputs.count) }
            var worst = 0.0, worstClamped = 0.0
            for (x, got) in zip(inputs, values) {
                let v = Double(x)
                let u = 0.7978845608028654 * (v + 0.044715 * v * v * v)
                let exact = v / (1 + Foundation.exp(-2 * u))
                if v >= -9 {
                    let unit = Double(Float(exact).ulp) + abs(exact) * abs(2 * u) * Double(Float.ulpOfOne)
                    worst = max(worst, abs(Double(got) - exact) / unit)
                } else {
                    worstClamped = max(worstClamped, abs(Double(got) - exact))
                }
            }
            XCTAssertLessThanOrEqual(worst, 2, "\(level): worst GELU error (units of ulp + conditioning)")
            XCTAssertLessThan(worstClamped, 1e-30, "\(level): worst GELU error below x = −9")
        }
    }

    /// The softmax the engine used before the vector kernels, element by element: the maximum,
    /// `fastExp(x − max)`, `Kernels.sum` in eight lanes, one multiplication by the inverse.
    private func referenceSoftmax(_ row: [Float]) -> [Float] {
        var r = row
        r.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!, n = p.count
            let maximum = Kernels.maximum(base, count: n)
            for j in 0..<n { base[j] = Kernels.fastExp(base[j] - maximum) }
            let inverse = 1 / Kernels.sum(base, count: n)
            for j in 0..<n { base[j] *= inverse }
        }
        return r
    }

    func testSoftmaxVariantsMatchTheScalarFormulaBitForBit() {
        var generator = SplitMix(seed: 7)
        let rows: [[Float]] = [1, 2, 5, 8, 15, 16, 17, 24, 31, 32, 33, 96, 97, 160].map { length in
            (0..<length).map { _ in Float(generator.nextUnit() * 24 - 12) }
        } + [[0, -Float.infinity, 3], [Float](repeating: 88, count: 20), [-100, 100, 0, 50]]
        forEachVariant { level in
            for row in rows {
                var got = row
                got.withUnsafeMutableBufferPointer {
                    Kernels.softmaxRows($0.baseAddress!, rows: 1, length: { _ in row.count }, columns: row.count, stride: row.count)
                }
                let expected = referenceSoftmax(row)
                XCTAssertEqual(got.map(\.bitPattern), expected.map(\.bitPattern), "\(level): softmax of \(row.count) entries")
            }
        }
    }

    /// Against softmax in double precision (entries are at most 1): the worst error measured over
    /// rows of 3 to 200 logits spread over [−15, 15] is 2.2e-8; the bound, 1.2e-7 (one ulp of a
    /// Float at 1), leaves room for fastExp's 3e-7 relative error on the largest entries.
    func testSoftmaxIsWithinOneUlpOfTheExactFunction() {
        var generator = SplitMix(seed: 11)
        let rows = [3, 17, 96, 200].map { length in (0..<length).map { _ in Float(generator.nextUnit() * 30 - 15) } }
        forEachVariant { level in
            var worst = 0.0
            for row in rows {
                var got = row
                got.withUnsafeMutableBufferPointer {
                    Kernels.softmaxRows($0.baseAddress!, rows: 1, length: { _ in row.count }, columns: row.count, stride: row.count)
                }
                let maximum = Double(row.max()!)
                let exps = row.map { Foundation.exp(Double($0) - maximum) }
                let total = exps.reduce(0, +)
                for (value, e) in zip(got, exps) { worst = max(worst, abs(Double(value) - e / total)) }
            }
            XCTAssertLessThan(worst, Double(Float.ulpOfOne), "\(level): worst absolute error of softmax")
        }
    }

    /// adaLN's layer norm and modulation, and the gated residual, against the Swift formulas they
    /// replaced (`LayerNorm.statistics`, then the elementwise modulation; `t += g · s`), bit for bit,
    /// for dimensions with and without a tail of the eight-lane sums.
    func testModulationAndGatedResidualMatchTheSwiftFormulasBitForBit() {
        var generator = SplitMix(seed: 5)
        func values(_ count: Int, spread: Double = 6) -> [Float] {
            (0..<count).map { _ in Float(generator.nextUnit() * spread - spread / 2) }
        }
        for dimension in [1, 7, 8, 33, 128] {
            let rows = 5
            let input = values(rows * dimension), scale = values(dimension, spread: 1), shift = values(dimension, spread: 1)
            let source = values(rows * dimension), gate = values(dimension, spread: 2), start = values(rows * dimension)
            var expected = [Float](repeating: 0, count: rows * dimension)
            input.withUnsafeBufferPointer { x in
                for row in 0..<rows {
                    let base = x.baseAddress! + row * dimension
                    let (mean, inverse) = LayerNorm.statistics(base, count: dimension, eps: 1e-6)
                    for j in 0..<dimension {
                        expected[row * dimension + j] = (base[j] - mean) * inverse * (1 + scale[j]) + shift[j]
                    }
                }
            }
            var expectedGated = start
            for row in 0..<rows {
                for j in 0..<dimension { expectedGated[row * dimension + j] += gate[j] * source[row * dimension + j] }
            }
            forEachVariant { level in
                var output = [Float](repeating: .nan, count: rows * dimension)
                AdaptiveModulation.layerNormModulate(rows: rows, dimension: dimension, eps: 1e-6, input: input,
                                                     scale: scale, shift: shift, output: &output)
                XCTAssertEqual(output.map(\.bitPattern), expected.map(\.bitPattern), "\(level): modulation, dimension \(dimension)")
                var gated = start
                Kernels.addGated(&gated, source, gate: gate, rows: rows, columns: dimension)
                XCTAssertEqual(gated.map(\.bitPattern), expectedGated.map(\.bitPattern), "\(level): gated residual, dimension \(dimension)")
            }
        }
    }

    func testFloat16WideningMatchesTheSwiftConversionForEveryPattern() {
        let patterns = (0...UInt16.max).map { $0 }
        forEachVariant { level in
            var widened = [Float](repeating: 0, count: patterns.count)
            patterns.withUnsafeBufferPointer { source in
                widened.withUnsafeMutableBufferPointer {
                    VectorKernels.widenFloat16(source.baseAddress!, into: $0.baseAddress!, count: patterns.count)
                }
            }
            var mismatches = 0
            for (bits, value) in zip(patterns, widened) {
                if value.bitPattern != FloatConversion.float(fromFloat16Bits: bits).bitPattern { mismatches += 1 }
                let exact = Float(Float16(bitPattern: bits))
                if !exact.isNaN, value.bitPattern != exact.bitPattern { mismatches += 1 }
            }
            XCTAssertEqual(mismatches, 0, "\(level): F16 patterns widened differently")
            // A short run (the tail alone).
            var short = [Float](repeating: 0, count: 3)
            let halves: [UInt16] = [0x3C00, 0xC000, 0x0001]  // 1, −2, the smallest subnormal
            halves.withUnsafeBufferPointer { source in
                short.withUnsafeMutableBufferPointer { VectorKernels.widenFloat16(source.baseAddress!, into: $0.baseAddress!, count: 3) }
            }
            XCTAssertEqual(short, [1, -2, 0x1p-24], "\(level)")
        }
    }
}

/// A small deterministic generator for test inputs (SplitMix64).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextUnit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
