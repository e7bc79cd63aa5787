/// Decoded images in [−1, 1] to 8-bit RGB, as the reference does:
/// `round(clamp((y + 1) / 2, 0, 1) · 255)`, rounding half to even like `torch.round`.
public enum PixelConversion {
    /// Interleaved RGB bytes (H × W × 3, rows top to bottom) from an image tensor `[1, 3, H, W]`.
    public static func rgb8(_ image: Tensor) -> [UInt8] {
        precondition(image.rank == 4 && image.shape[0] == 1 && image.shape[1] == 3,
                     "rgb8 expects a [1, 3, H, W] image, got \(image.shape)")
        let height = image.shape[2], width = image.shape[3]
        let plane = height * width
        var bytes = [UInt8](repeating: 0, count: plane * 3)
        image.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBufferPointer { target in
                let s = source.baseAddress!, t = target.baseAddress!
                for channel in 0..<3 {
                    let base = s + channel * plane
                    for pixel in 0..<plane {
                        t[pixel * 3 + channel] = level(base[pixel])
                    }
                }
            }
        }
        return bytes
    }

    /// One 8-bit level; NaN maps to 0.
    @inline(__always)
    public static func level(_ value: Float) -> UInt8 {
        let unit = (value + 1) / 2
        let clamped = unit >= 1 ? 1 : (unit > 0 ? unit : 0)  // NaN fails both tests → 0
        return UInt8((clamped * 255).rounded(.toNearestOrEven))
    }
}

extension PixelConversion {
    /// An image tensor `[1, 3, H, W]` in [−1, 1] from RGB bytes: `v / 127.5 − 1`.
    public static func tensor(rgb8 bytes: [UInt8], width: Int, height: Int) -> Tensor {
        precondition(bytes.count == width * height * 3, "a \(width)x\(height) RGB image has \(width * height * 3) bytes")
        let plane = width * height
        return Tensor(shape: [1, 3, height, width]) { out in
            for pixel in 0..<plane {
                for c in 0..<3 { out[c * plane + pixel] = Float(bytes[pixel * 3 + c]) / 127.5 - 1 }
            }
        }
    }
}
