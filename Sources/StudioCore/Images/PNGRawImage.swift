/// Pixels in a PNG's own storage layout (any colour type and bit depth), for writing formats
/// other than RGB8: 16-bit, gray, palette, alpha. Tests use it to produce every kind of PNG.
public struct PNGRawImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var colorType: PNGColorType
    public var bitDepth: Int
    /// `width * height * colorType.channels` samples, rows top to bottom; each below `1 << bitDepth`
    /// (palette indices below the palette's count).
    public var samples: [UInt16]
    /// Palette images: the colours (1–256).
    public var palette: [RGB8]
    /// Palette images: alpha per palette entry (tRNS); may be shorter than the palette.
    public var paletteAlpha: [UInt8]
    /// Gray and RGB images: the one colour (in samples) that is fully transparent (tRNS).
    /// Gray images use the first value only.
    public var transparentColor: [UInt16]?
    /// Adam7 interlacing (progressive display; slightly larger files).
    public var interlaced: Bool

    public init(width: Int, height: Int, colorType: PNGColorType, bitDepth: Int, samples: [UInt16],
                palette: [RGB8] = [], paletteAlpha: [UInt8] = [], transparentColor: [UInt16]? = nil,
                interlaced: Bool = false) {
        self.width = width
        self.height = height
        self.colorType = colorType
        self.bitDepth = bitDepth
        self.samples = samples
        self.palette = palette
        self.paletteAlpha = paletteAlpha
        self.transparentColor = transparentColor
        self.interlaced = interlaced
    }

    /// The RGB8 image as an 8-bit RGB PNG.
    public init(_ image: RGBImage) {
        self.init(width: image.width, height: image.height, colorType: .rgb, bitDepth: 8,
                  samples: image.pixels.map { UInt16($0) })
    }

    /// Checks what libpng would otherwise reject less clearly (or read out of bounds for).
    func validate() throws {
        guard width > 0, height > 0, width <= Int(UInt32.max), height <= Int(UInt32.max) else {
            throw PNGError.invalidImage(reason: "size \(width)x\(height) is not a valid PNG size")
        }
        guard colorType.allowedBitDepths.contains(bitDepth) else {
            throw PNGError.invalidImage(reason: "\(colorType) PNGs cannot have bit depth \(bitDepth)")
        }
        let expected = width * height * colorType.channels
        guard samples.count == expected else {
            throw PNGError.invalidImage(reason: "\(width)x\(height) \(colorType) needs \(expected) samples, got \(samples.count)")
        }
        let limit = colorType == .palette ? palette.count : 1 << bitDepth
        if let bad = samples.first(where: { Int($0) >= limit }) {
            throw PNGError.invalidImage(reason: "sample value \(bad) is out of range for \(colorType) \(bitDepth)-bit")
        }
        if colorType == .palette {
            guard (1...(1 << bitDepth)).contains(palette.count) else {
                throw PNGError.invalidImage(reason: "a \(bitDepth)-bit palette needs 1 to \(1 << bitDepth) colours, got \(palette.count)")
            }
            guard paletteAlpha.count <= palette.count else {
                throw PNGError.invalidImage(reason: "more palette alpha values than palette colours")
            }
        }
        if let transparentColor {
            let needed = colorType == .gray ? 1 : 3
            guard colorType == .gray || colorType == .rgb, transparentColor.count == needed,
                  transparentColor.allSatisfy({ Int($0) < 1 << bitDepth }) else {
                throw PNGError.invalidImage(reason: "a transparent colour needs \(colorType == .gray ? "1 gray" : "3 RGB") in-range values and a gray or RGB image")
            }
        }
    }

    /// The samples as libpng takes them: one byte each up to 8 bits, two bytes big-endian for 16.
    var packedSamples: [UInt8] {
        if bitDepth <= 8 { return samples.map { UInt8(truncatingIfNeeded: $0) } }
        var bytes = [UInt8]()
        bytes.reserveCapacity(samples.count * 2)
        for sample in samples {
            bytes.append(UInt8(sample >> 8))
            bytes.append(UInt8(sample & 0xFF))
        }
        return bytes
    }
}
