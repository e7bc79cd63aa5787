#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sRGB transfer function (IEC 61966-2-1) through lookup tables, so that image resampling can
/// average in linear light (averaging encoded values darkens edges and fine detail).
public enum SRGB {
    /// Linear-light value in 0...1 of each 8-bit sRGB code.
    public static let decodingTable: [Float] = (0..<256).map { code in
        let value = Double(code) / 255
        let linear = value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        return Float(linear)
    }

    /// Entries in `encodingTable`: linear light quantised to 16 bits is finer than any 8-bit step.
    static let encodingSteps = 65536

    /// Nearest 8-bit sRGB code of each linear value `i / (encodingSteps - 1)`, rounded in sRGB space.
    public static let encodingTable: [UInt8] = (0..<encodingSteps).map { step in
        let linear = Double(step) / Double(encodingSteps - 1)
        let value = linear <= 0.0031308 ? linear * 12.92 : 1.055 * pow(linear, 1 / 2.4) - 0.055
        return UInt8((min(max(value, 0), 1) * 255).rounded())
    }

    /// Linear light (0...1) of an 8-bit sRGB code.
    @inline(__always)
    public static func decode(_ code: UInt8) -> Float { decodingTable[Int(code)] }

    /// The 8-bit sRGB code of a linear-light value; values outside 0...1 are clamped, NaN is black.
    @inline(__always)
    public static func encode(_ linear: Float) -> UInt8 {
        guard linear > 0 else { return 0 }
        guard linear < 1 else { return 255 }
        return encodingTable[Int(linear * Float(encodingSteps - 1) + 0.5)]
    }
}
