/// Conversions between Float32 and the 16-bit float formats weights are stored in.
///
/// F16 is IEEE binary16 (Swift's `Float16`). BF16 (bfloat16) is the top half of a Float32, so
/// widening is a shift; narrowing rounds to nearest, ties to even, as PyTorch does, and keeps NaN
/// a (quiet) NaN.
public enum FloatConversion {
    /// The Float32 of an F16 bit pattern, exactly as `Float(Float16(bitPattern:))` (checked over
    /// all 65 536 patterns in the tests), but branch-free so that `decode`'s loop vectorises (a
    /// 65 536-entry table, the former way, is ~3× slower and costs its own start-up): the magnitude
    /// bits moved into a Float's place and scaled by 2¹¹² give every normal and subnormal value
    /// exactly; infinities and NaNs get the all-ones exponent (NaNs quieted, payload kept).
    @inline(__always)
    public static func float(fromFloat16Bits bits: UInt16) -> Float {
        let magnitude = UInt32(bits & 0x7FFF), sign = UInt32(bits & 0x8000) << 16
        let scaled = (Float(bitPattern: magnitude << 13) * 0x1p112).bitPattern
        let special = (magnitude << 13) | 0x7F80_0000 | (magnitude > 0x7C00 ? 0x0040_0000 : 0)
        return Float(bitPattern: (magnitude >= 0x7C00 ? special : scaled) | sign)
    }

    /// Round to nearest even; too large → ±infinity; NaN → NaN.
    @inline(__always)
    public static func float16Bits(from value: Float) -> UInt16 { Float16(value).bitPattern }

    @inline(__always)
    public static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Round to nearest even (a carry may round up into the exponent, up to infinity); NaN →
    /// 0x7FC0, the quiet NaN PyTorch's scalar conversion produces.
    @inline(__always)
    public static func bfloat16Bits(from value: Float) -> UInt16 {
        if value.isNaN { return 0x7FC0 }
        let bits = value.bitPattern
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// Converts `count` little-endian elements of `dtype` at `source` (any alignment) to Float32.
    static func decode(_ source: UnsafeRawPointer, dtype: SafeTensorsDType, count: Int,
                       into target: UnsafeMutablePointer<Float>) {
        switch dtype {
        case .f32:
            #if _endian(little)
            UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: count * 4)
            #else
            for i in 0..<count { target[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
            #endif
        case .f16:
            #if _endian(little)
            if Int(bitPattern: source) % 2 == 0 {
                // Aligned (always, in a well-formed file): this function's formula, vectorised in C.
                VectorKernels.widenFloat16(source.assumingMemoryBound(to: UInt16.self), into: target, count: count)
                return
            }
            #endif
            for i in 0..<count {
                target[i] = float(fromFloat16Bits: UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))
            }
        case .bf16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                target[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        case .f64:
            for i in 0..<count {
                target[i] = Float(Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))))
            }
        case .i64:
            for i in 0..<count { target[i] = Float(Int64(littleEndian: source.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))) }
        case .i32:
            for i in 0..<count { target[i] = Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))) }
        case .i16:
            for i in 0..<count { target[i] = Float(Int16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: Int16.self))) }
        case .i8:
            for i in 0..<count { target[i] = Float(source.load(fromByteOffset: i, as: Int8.self)) }
        case .u8:
            for i in 0..<count { target[i] = Float(source.load(fromByteOffset: i, as: UInt8.self)) }
        case .bool:
            for i in 0..<count { target[i] = source.load(fromByteOffset: i, as: UInt8.self) == 0 ? 0 : 1 }
        }
    }
}
