/// The last step of an inpaint, in pixel space: every pixel outside the mask is the source's own
/// byte for byte; inside, the generated pixel, blended into the source over `feather` pixels from
/// the mask's edge.
public struct PixelComposite: Sendable, Equatable {
    public let source: [UInt8]
    /// Per pixel, the generated image's weight: 0 outside the mask, in (0, 1] inside.
    public let weights: [Float]

    public init(source: [UInt8], mask: RegionMask, feather: Int) {
        precondition(source.count == mask.width * mask.height * 3)
        self.source = source
        weights = Self.weights(mask: mask, feather: feather)
    }

    /// `generated` (same size as the source) with the mask applied.
    public func apply(to generated: [UInt8]) -> [UInt8] {
        precondition(generated.count == source.count, "the generated image must have the source's size")
        var out = source
        for pixel in weights.indices where weights[pixel] > 0 {
            let w = weights[pixel]
            for c in 0..<3 {
                let i = pixel * 3 + c
                out[i] = w >= 1 ? generated[i]
                    : UInt8((w * Float(generated[i]) + (1 - w) * Float(source[i])).rounded())
            }
        }
        return out
    }

    /// 1 inside the mask at least `feather` pixels (chessboard distance) from any pixel outside it,
    /// rising linearly towards the edge; 0 outside.
    static func weights(mask: RegionMask, feather: Int) -> [Float] {
        let (width, height) = (mask.width, mask.height)
        guard feather > 0 else { return mask.values.map { $0 != 0 ? 1 : 0 } }
        // Chessboard distance to the nearest outside pixel, by repeated erosion (feather is small).
        var distance = mask.values.map { $0 != 0 ? Int.max : 0 }
        for level in 1...feather {
            var next = distance
            for y in 0..<height {
                for x in 0..<width where distance[y * width + x] == Int.max {
                    var touchesOutside = false
                    for dy in -1...1 {
                        for dx in -1...1 {
                            let (nx, ny) = (x + dx, y + dy)
                            if nx >= 0, nx < width, ny >= 0, ny < height, distance[ny * width + nx] == level - 1 {
                                touchesOutside = true
                            }
                        }
                    }
                    if touchesOutside { next[y * width + x] = level }
                }
            }
            distance = next
        }
        return distance.map { d in d == 0 ? 0 : (d == Int.max ? 1 : Float(d) / Float(feather + 1)) }
    }
}
