/// Resizes RGB images for display: area averaging in linear light where an axis shrinks (each
/// output pixel is the exact coverage-weighted mean of the source pixels under it), nearest
/// neighbour where an axis grows (so enlarged pixels stay crisp squares instead of blurring).
public enum ImageResampler {
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "a resized image has at least one pixel")
        if width == image.width && height == image.height { return image }
        let columns = taps(source: image.width, target: width)
        let rows = taps(source: image.height, target: height)
        if width >= image.width && height >= image.height {
            return nearest(image, columns: columns, rows: rows, width: width, height: height)
        }

        // Horizontal pass over every source row, in linear light, then vertical pass.
        var horizontal = [Float](repeating: 0, count: image.height * width * 3)
        image.pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { target in
                for y in 0..<image.height {
                    let sourceRow = y * image.width * 3
                    let targetRow = y * width * 3
                    for x in 0..<width {
                        let tap = columns[x]
                        var red: Float = 0, green: Float = 0, blue: Float = 0
                        for (offset, weight) in tap.weights.enumerated() {
                            let index = sourceRow + (tap.start + offset) * 3
                            red += weight * SRGB.decode(source[index])
                            green += weight * SRGB.decode(source[index + 1])
                            blue += weight * SRGB.decode(source[index + 2])
                        }
                        target[targetRow + x * 3] = red
                        target[targetRow + x * 3 + 1] = green
                        target[targetRow + x * 3 + 2] = blue
                    }
                }
            }
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        horizontal.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for y in 0..<height {
                    let tap = rows[y]
                    for x in 0..<width * 3 {
                        var sum: Float = 0
                        for (offset, weight) in tap.weights.enumerated() {
                            sum += weight * source[(tap.start + offset) * width * 3 + x]
                        }
                        target[y * width * 3 + x] = SRGB.encode(sum)
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The source pixels (a run from `start`) that make up one output pixel, with their weights.
    struct Tap {
        var start: Int
        var weights: [Float]
    }

    /// Taps along one axis: coverage weights when shrinking, one nearest pixel otherwise.
    static func taps(source: Int, target: Int) -> [Tap] {
        let scale = Double(source) / Double(target)
        return (0..<target).map { index in
            if target >= source {
                let nearest = min(source - 1, Int((Double(index) + 0.5) * scale))
                return Tap(start: nearest, weights: [1])
            }
            let low = Double(index) * scale, high = Double(index + 1) * scale
            let first = Int(low), last = min(source - 1, Int((high).rounded(.up)) - 1)
            let weights = (first...last).map { pixel -> Float in
                let covered = min(high, Double(pixel + 1)) - max(low, Double(pixel))
                return Float(covered / scale)
            }
            return Tap(start: first, weights: weights)
        }
    }

    private static func nearest(_ image: RGBImage, columns: [Tap], rows: [Tap],
                                width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let sourceRow = rows[y].start * image.width * 3
            for x in 0..<width {
                let source = sourceRow + columns[x].start * 3
                let target = (y * width + x) * 3
                pixels[target] = image.pixels[source]
                pixels[target + 1] = image.pixels[source + 1]
                pixels[target + 2] = image.pixels[source + 2]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
