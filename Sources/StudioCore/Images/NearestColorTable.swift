#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps any 8-bit colour to the perceptually nearest entry of a palette by table look-up.
///
/// Colours are bucketed by the top 6 bits of each channel (64³ = 262 144 buckets); each bucket holds
/// the palette index nearest to its centre by CIE76 ΔE (Euclidean distance in CIELAB, D65), which
/// follows how far apart colours look much better than distance in RGB. Six bits are enough for
/// every xterm palette colour to map to itself.
public struct NearestColorTable: Sendable {
    /// Palette index per bucket.
    public let indices: [UInt8]
    public let entries: [(index: UInt8, color: RGB8)]

    private static let bits = 6

    public init(entries: [(index: UInt8, color: RGB8)]) {
        precondition(!entries.isEmpty, "a palette needs colours")
        self.entries = entries
        // Palette sorted by lightness: a candidate whose ΔL² alone exceeds the best distance found
        // cannot win, so the search walks outwards from the query's lightness and stops early.
        let palette = entries.map { (index: $0.index, lab: CIELab($0.color)) }
            .sorted { $0.lab.l < $1.lab.l || ($0.lab.l == $1.lab.l && $0.index < $1.index) }
        let lightness = palette.map(\.lab.l)

        let levels = 1 << Self.bits
        let centres: [UInt8] = (0..<levels).map { UInt8(($0 << 2) | ($0 >> 4)) }
        var indices = [UInt8](repeating: 0, count: levels * levels * levels)
        for red in 0..<levels {
            for green in 0..<levels {
                for blue in 0..<levels {
                    let query = CIELab(RGB8(centres[red], centres[green], centres[blue]))
                    indices[(red << 12) | (green << 6) | blue] =
                        Self.nearest(to: query, in: palette, lightness: lightness)
                }
            }
        }
        self.indices = indices
    }

    /// The palette index nearest to `color`.
    @inline(__always)
    public func nearest(_ color: RGB8) -> UInt8 {
        indices[(Int(color.red >> 2) << 12) | (Int(color.green >> 2) << 6) | Int(color.blue >> 2)]
    }

    private static func nearest(to query: CIELab, in palette: [(index: UInt8, lab: CIELab)],
                                lightness: [Double]) -> UInt8 {
        // First entry at or above the query's lightness.
        var low = 0, high = lightness.count
        while low < high {
            let middle = (low + high) / 2
            if lightness[middle] < query.l { low = middle + 1 } else { high = middle }
        }
        var best = Double.infinity
        var bestIndex = palette[0].index
        var down = low - 1, up = low
        while down >= 0 || up < palette.count {
            let downGap = down >= 0 ? query.l - lightness[down] : .infinity
            let upGap = up < palette.count ? lightness[up] - query.l : .infinity
            let takeUp = upGap <= downGap
            let gap = takeUp ? upGap : downGap
            if gap * gap > best { break }
            let candidate = palette[takeUp ? up : down]
            let distance = candidate.lab.squaredDistance(to: query)
            if distance < best || (distance == best && candidate.index < bestIndex) {
                best = distance
                bestIndex = candidate.index
            }
            if takeUp { up += 1 } else { down -= 1 }
        }
        return bestIndex
    }
}

/// A colour in CIELAB (D65 white), where Euclidean distance approximates perceived difference.
struct CIELab {
    var l: Double
    var a: Double
    var b: Double

    init(_ color: RGB8) {
        let r = Double(SRGB.decode(color.red)), g = Double(SRGB.decode(color.green)),
            bl = Double(SRGB.decode(color.blue))
        // sRGB (linear) → XYZ, normalised by the D65 white point.
        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * bl) / 0.95047
        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * bl
        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * bl) / 1.08883
        func f(_ t: Double) -> Double {
            t > 216.0 / 24389.0 ? cbrt(t) : (24389.0 / 27.0 * t + 16) / 116
        }
        let fx = f(x), fy = f(y), fz = f(z)
        l = 116 * fy - 16
        a = 500 * (fx - fy)
        b = 200 * (fy - fz)
    }

    func squaredDistance(to other: CIELab) -> Double {
        let dl = l - other.l, da = a - other.a, db = b - other.b
        return dl * dl + da * da + db * db
    }
}
