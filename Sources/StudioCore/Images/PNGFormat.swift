/// How a PNG file stores its pixels (from its header), reported by `info` and used by tests.
public struct PNGFormat: Equatable, Sendable, CustomStringConvertible {
    public var colorType: PNGColorType
    /// Bits per sample (per palette index for palette images): 1, 2, 4, 8 or 16.
    public var bitDepth: Int
    /// Adam7 interlacing.
    public var interlaced: Bool

    public init(colorType: PNGColorType, bitDepth: Int, interlaced: Bool = false) {
        self.colorType = colorType
        self.bitDepth = bitDepth
        self.interlaced = interlaced
    }

    public var description: String {
        "\(colorType) \(bitDepth)-bit" + (interlaced ? ", interlaced" : "")
    }
}

/// PNG colour types, with the values of the PNG specification.
public enum PNGColorType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case gray = 0
    case rgb = 2
    case palette = 3
    case grayAlpha = 4
    case rgba = 6

    /// Samples per pixel as stored (a palette index counts as one).
    public var channels: Int {
        switch self {
        case .gray, .palette: return 1
        case .grayAlpha: return 2
        case .rgb: return 3
        case .rgba: return 4
        }
    }

    /// Bit depths the PNG specification allows for this colour type.
    public var allowedBitDepths: [Int] {
        switch self {
        case .gray: return [1, 2, 4, 8, 16]
        case .palette: return [1, 2, 4, 8]
        case .rgb, .grayAlpha, .rgba: return [8, 16]
        }
    }

    public var description: String {
        switch self {
        case .gray: return "gray"
        case .rgb: return "RGB"
        case .palette: return "palette"
        case .grayAlpha: return "gray+alpha"
        case .rgba: return "RGBA"
        }
    }
}
