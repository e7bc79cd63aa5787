import Foundation

/// Elementwise and row-wise kernels over contiguous float buffers.
///
/// Each is a plain loop over raw pointers, without per-element calls into libm where a hot path is
/// concerned, so the compiler can vectorise it. `fastExp` is the shared exponential behind softmax,
/// SiLU and the GELU variants: a Cephes-style range reduction and degree-6 polynomial, accurate to
/// about 2 ulp over the clamped range, which keeps every stage far inside the 1e-4 parity budget.
public enum Kernels {
    // MARK: - Exponential

    /// e^x for one value, branch-free so loops calling it vectorise. Inputs are clamped to
    /// [-87.3, 88.7] (the range where e^x is a normal Float), so −∞ gives ~1e-38, not 0.
    @inlinable @inline(__always)
    public static func fastExp(_ value: Float) -> Float {
        let x = Swift.min(Swift.max(value, -87.33654), 88.72283)
        // n = round(x / ln 2) via the 1.5·2²³ trick: adding it rounds to an integer, whose value is
        // then also readable from the low mantissa bits (integer ops wrap, so NaN cannot trap).
        let shifter: Float = 12582912
        let shifted = x * 1.44269504088896341 + shifter
        let n = shifted - shifter
        // r = x − n·ln2 with ln2 split in two parts so the product is exact.
        var r = x - n * 0.693359375
        r = r + n * 2.12194440e-4
        let r2 = r * r
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = p * r2 + r + 1
        // 2^n via the exponent bits; n ∈ [-126, 128] is split in two so each factor is normal.
        let ni = Int32(bitPattern: shifted.bitPattern &- shifter.bitPattern)
        let half = ni >> 1
        let scaleA = Float(bitPattern: UInt32(bitPattern: (half &+ 127) &<< 23))
        let scaleB = Float(bitPattern: UInt32(bitPattern: (ni &- half &+ 127) &<< 23))
        return er * scaleA * scaleB
    }

    /// `fastExp` on sixteen lanes: the same clamping, range reduction and polynomial,
    /// so vector and scalar tails agree bit for bit.
    @inlinable @inline(__always)
    public static func fastExp(_ value: SIMD16<Float>) -> SIMD16<Float> {
        let low = SIMD16<Float>(repeating: -87.33654), high = SIMD16<Float>(repeating: 88.72283)
        var x = value.replacing(with: low, where: value .< low)
        x = x.replacing(with: high, where: x .> high)
        let shifter = SIMD16<Float>(repeating: 12582912)
        let shifted = x * 1.44269504088896341 + shifter
        let n = shifted - shifter
        var r = x - n * 0.693359375
        r = r + n * 2.12194440e-4
        let r2 = r * r
        var p = SIMD16<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = p * r2 + r + 1
        let ni = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- unsafeBitCast(shifter, to: SIMD16<Int32>.self)
        let half = ni &>> 1
        let scaleA = unsafeBitCast((half &+ 127) &<< 23, to: SIMD16<Float>.self)
        let scaleB = unsafeBitCast((ni &- half &+ 127) &<< 23, to: SIMD16<Float>.self)
        return er * scaleA * scaleB
    }

    // MARK: - Activations (in place)

    /// x · sigmoid(x) (SiLU / swish), in place.
    @inlinable
    public static func silu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            x[i] = v / (1 + fastExp(-v))
        }
    }

    /// GELU with the tanh approximation (torch `approximate="tanh"`), in place, using
    /// 0.5·x·(1 + tanh(u)) = x · sigmoid(2u), u = √(2/π)·(x + 0.044715·x³): each element is
    /// `geluTanh(_:)` of it, computed by the widest vector kernel the CPU has (`VectorKernels`).
    @inlinable
    public static func geluTanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        VectorKernels.geluTanh(x, count: count)
    }

    /// GELU (tanh approximation) of one value: the formula every variant of the vector kernel
    /// computes, in the same order.
    @inlinable @inline(__always)
    public static func geluTanh(_ v: Float) -> Float {
        let c: Float = 0.7978845608028654  // √(2/π)
        let u = c * (v + 0.044715 * v * v * v)
        return v / (1 + fastExp(-2 * u))
    }

    /// CLIP's quick GELU, x · sigmoid(1.702·x), in place.
    @inlinable
    public static func quickGelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            x[i] = v / (1 + fastExp(-1.702 * v))
        }
    }

    /// Exact GELU, 0.5·x·(1 + erf(x/√2)), in place (libm erf; not on the SD3/CLIP hot paths).
    public static func geluErf(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let v = x[i]
            x[i] = 0.5 * v * (1 + erf(v * 0.70710678118654752))
        }
    }

    // MARK: - Row operations

    /// Adds `bias[0..<columns]` to every one of `rows` rows (row stride `stride`).
    @inlinable
    public static func addRowVector(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int,
                                    bias: UnsafePointer<Float>) {
        for row in 0..<rows {
            let r = x + row * stride
            for j in 0..<columns { r[j] += bias[j] }
        }
    }

    /// Copies `row[0..<columns]` into each of `rows` rows (row stride `stride`).
    @inlinable
    public static func fillRows(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int,
                                with row: UnsafePointer<Float>) {
        for r in 0..<rows {
            (x + r * stride).update(from: row, count: columns)
        }
    }

    /// Softmax of each of `rows` rows over its first `length` entries, in place, max-subtracted
    /// for stability. Entries from `length` to `columns` are set to 0 (used for causal masking).
    /// Each row is `e_j = fastExp(x_j − max)`, their `sum` (eight lanes), then `e_j · (1 / sum)`,
    /// by the widest vector kernel the CPU has (`VectorKernels`).
    @inlinable
    public static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, length: (Int) -> Int,
                                   columns: Int, stride: Int) {
        for row in 0..<rows {
            let r = x + row * stride
            let n = length(row)
            VectorKernels.softmaxRow(r, length: n)
            for j in n..<columns { r[j] = 0 }
        }
    }

    /// Softmax of each of `rows` rows restricted to the entries whose `mask` byte is non-zero, in
    /// place; masked entries become exactly 0 (a boolean mask, not a large negative bias, so no
    /// masked key ever gets weight). A row must allow at least one entry.
    @inlinable
    public static func maskedSoftmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int,
                                         mask: UnsafePointer<UInt8>, maskStride: Int) {
        for row in 0..<rows {
            let r = x + row * stride, m = mask + row * maskStride
            var maximum = -Float.infinity
            for j in 0..<columns where m[j] != 0 { maximum = Swift.max(maximum, r[j]) }
            var total: Float = 0
            for j in 0..<columns {
                let e = m[j] != 0 ? fastExp(r[j] - maximum) : 0
                r[j] = e
                total += e
            }
            let inverse = 1 / total
            for j in 0..<columns { r[j] *= inverse }
        }
    }

    // MARK: - Reductions (eight lanes, so they vectorise without reassociation flags)

    /// The sum of `count` floats.
    @inlinable
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var j = 0
        let raw = UnsafeRawPointer(x)
        while j + 8 <= count {
            lanes += raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            j += 8
        }
        var total = lanes.sum()
        while j < count { total += x[j]; j += 1 }
        return total
    }

    /// The largest of `count` floats (−∞ for none); four independent chains.
    @inlinable
    public static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var m0 = -Float.infinity, m1 = m0, m2 = m0, m3 = m0
        var j = 0
        while j + 4 <= count {
            m0 = Swift.max(m0, x[j]); m1 = Swift.max(m1, x[j + 1])
            m2 = Swift.max(m2, x[j + 2]); m3 = Swift.max(m3, x[j + 3])
            j += 4
        }
        while j < count { m0 = Swift.max(m0, x[j]); j += 1 }
        return Swift.max(Swift.max(m0, m1), Swift.max(m2, m3))
    }

    /// Σ (xᵢ − center)² over `count` floats.
    @inlinable
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int, center: Float = 0) -> Float {
        var lanes = SIMD8<Float>()
        let c = SIMD8<Float>(repeating: center)
        var j = 0
        let raw = UnsafeRawPointer(x)
        while j + 8 <= count {
            let d = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) - c
            lanes += d * d
            j += 8
        }
        var total = lanes.sum()
        while j < count { let d = x[j] - center; total += d * d; j += 1 }
        return total
    }

    /// `target[i] += gate[i mod columns] · source[i]` over `rows` rows: the gated residual of
    /// adaLN-Zero blocks (`h = h + gate · f(h)`), for one batch item (by `VectorKernels`).
    @inlinable
    public static func addGated(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>,
                                gate: UnsafePointer<Float>, rows: Int, columns: Int) {
        VectorKernels.addGated(target, source, gate: gate, rows: rows, columns: columns)
    }

    /// `target += source` over `count` elements.
    @inlinable
    public static func add(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { target[i] += source[i] }
    }
}
