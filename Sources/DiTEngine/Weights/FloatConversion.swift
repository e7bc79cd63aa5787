/// Conversions between Float32 and the 16-bit float formats weights are stored in.
///
/// F16 is IEEE binary16 (Swift's `Float16`). BF16 (bfloat16) is the top half of a Float32, so
/// widening is a shift; narrowing rounds to nearest, ties to even, as PyTorch does, and keeps NaN
/// a (quiet) NaN.
public enum FloatConversion {
    /// Float32 value of every F16 bit pattern, built on first use: a table read is faster than
    /// converting element by element on CPUs without F16C in the build.
    static let float16Table: [Float] = (0...UInt16.max).map { Float(Float16(bitPattern: $0)) }

    @inline(__always)
    public static func float(fromFloat16Bits bits: UInt16) -> Float { float16Table[Int(bits)] }

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
            float16Table.withUnsafeBufferPointer { table in
                for i in 0..<count {
                    target[i] = table[Int(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))]
                }
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
