/// Whole-tensor arithmetic and slicing for glue code (samplers, guidance, batching).
/// Every operation is one contiguous loop over the buffers; shapes must match exactly
/// (no broadcasting), which is checked with `precondition` because a mismatch is a programmer error.
extension Tensor {
    /// `self += alpha · other` (BLAS axpy semantics), in place.
    public mutating func add(_ other: Tensor, scaledBy alpha: Float = 1) {
        precondition(shape == other.shape, "add: shape \(shape) vs \(other.shape)")
        other.withUnsafeBufferPointer { source in
            withUnsafeMutableBufferPointer { target in
                let s = source.baseAddress!, t = target.baseAddress!
                for i in 0..<target.count { t[i] += alpha * s[i] }
            }
        }
    }

    /// `self *= factor`, in place.
    public mutating func scale(by factor: Float) {
        withUnsafeMutableBufferPointer { target in
            let t = target.baseAddress!
            for i in 0..<target.count { t[i] *= factor }
        }
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        var result = lhs
        result.add(rhs)
        return result
    }

    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        var result = lhs
        result.add(rhs, scaledBy: -1)
        return result
    }

    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        var result = lhs
        result.scale(by: rhs)
        return result
    }

    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }

    /// `a + t · (b − a)` elementwise: linear interpolation, also classifier-free guidance
    /// (`uncond + g · (cond − uncond)`).
    public static func lerp(_ a: Tensor, _ b: Tensor, _ t: Float) -> Tensor {
        precondition(a.shape == b.shape, "lerp: shape \(a.shape) vs \(b.shape)")
        return Tensor(shape: a.shape) { out in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    let x = pa.baseAddress!, y = pb.baseAddress!, o = out.baseAddress!
                    for i in 0..<out.count { o[i] = x[i] + t * (y[i] - x[i]) }
                }
            }
        }
    }

    /// True when no element is NaN or infinite.
    public var isFinite: Bool {
        withUnsafeBufferPointer { buffer in
            for value in buffer where !value.isFinite { return false }
            return true
        }
    }

    /// The largest |self − other| over all elements (for parity checks).
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(count == other.count, "maxAbsDifference: \(shape) vs \(other.shape)")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                var worst: Float = 0
                for i in 0..<a.count {
                    let d = abs(a[i] - b[i])
                    if d > worst || d.isNaN { worst = d.isNaN ? .infinity : d }
                }
                return worst
            }
        }
    }

    /// Items `range` along the leading axis (a copy; the rank is kept).
    public func slice(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "slice \(range) out of range for \(shape)")
        let inner = shape.count > 1 ? count / Swift.max(shape[0], 1) : 1
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape) { out in
            withUnsafeBufferPointer { source in
                guard out.count > 0 else { return }
                out.baseAddress!.initialize(from: source.baseAddress! + range.lowerBound * inner, count: out.count)
            }
        }
    }

    /// Tensors joined along the leading axis; all must agree on the other extents.
    public static func concatenate(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "concatenate: no tensors")
        let tail = Array(parts[0].shape.dropFirst())
        var leading = 0
        for part in parts {
            precondition(part.rank >= 1 && Array(part.shape.dropFirst()) == tail,
                         "concatenate: \(part.shape) does not match [_, \(tail)]")
            leading += part.shape[0]
        }
        return Tensor(shape: [leading] + tail) { out in
            var offset = 0
            for part in parts {
                part.withUnsafeBufferPointer { source in
                    guard source.count > 0 else { return }
                    (out.baseAddress! + offset).initialize(from: source.baseAddress!, count: source.count)
                    offset += source.count
                }
            }
        }
    }
}
