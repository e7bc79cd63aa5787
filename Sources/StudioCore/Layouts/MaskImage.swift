import DiTEngine
import Foundation

/// Mask PNGs for regions and inpainting: white (or any light pixel) is inside, black outside.
public enum MaskImage {
    /// Reads the mask at `path` (relative paths resolve against `directory`); a pixel is inside when
    /// its mean of R, G and B is at least 128. Throws `JobError.invalidMask` naming the file.
    public static func load(_ path: String, relativeTo directory: URL?) throws -> RegionMask {
        let url = resolve(path, relativeTo: directory)
        let image: RGBImage
        do {
            image = try PNGFile.read(from: url).image
        } catch {
            throw JobError.invalidMask("\(error)")
        }
        return mask(from: image)
    }

    /// The mask of an image already in memory.
    public static func mask(from image: RGBImage) -> RegionMask {
        let values = (0..<(image.width * image.height)).map { i -> UInt8 in
            let sum = Int(image.pixels[3 * i]) + Int(image.pixels[3 * i + 1]) + Int(image.pixels[3 * i + 2])
            return sum >= 3 * 128 ? 1 : 0
        }
        return RegionMask(width: image.width, height: image.height, values: values)
    }

    /// The smallest box (in fractions of the image) holding every inside pixel; nil for an empty mask.
    public static func boundingBox(of mask: RegionMask) -> RegionBox? {
        var (minX, minY, maxX, maxY) = (mask.width, mask.height, -1, -1)
        for y in 0..<mask.height {
            for x in 0..<mask.width where mask.values[y * mask.width + x] != 0 {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return nil }
        return RegionBox(x0: Double(minX) / Double(mask.width), y0: Double(minY) / Double(mask.height),
                         x1: Double(maxX + 1) / Double(mask.width), y1: Double(maxY + 1) / Double(mask.height))
    }

    static func resolve(_ path: String, relativeTo directory: URL?) -> URL {
        if path.hasPrefix("/") || directory == nil { return URL(fileURLWithPath: path) }
        return directory!.appendingPathComponent(path)
    }
}
