import DiTEngine
import Foundation

extension EngineJob {
    /// The engine's view of a queued job: an edit's source image is read here (a path relative to
    /// `sessionDirectory` is resolved against it) and brought to the job's size.
    /// Throws `JobError.missingSource` naming the file when it cannot be read.
    public init(_ job: Job, sessionDirectory: URL) throws {
        try self.init(kind: job.kind, parameters: job.parameters, directory: sessionDirectory)
    }

    /// A job of `kind` with `parameters`; relative paths (sources, masks) resolve against `directory`.
    public init(kind: JobKind, parameters: GenerateParameters, directory: URL) throws {
        switch kind {
        case .generate:
            self.init(parameters: parameters)
        case .regional(let layout):
            let masks = try layout.regions.map { region in
                try region.mask.map { try MaskImage.load($0, relativeTo: directory) }
            }
            self.init(parameters: parameters, work: .regional(layout, masks: masks))
        case .edit(let operation):
            let source = try Self.loadSource(operation.source, sessionDirectory: directory,
                                             width: parameters.width, height: parameters.height)
            var mask: RegionMask?
            if case let .inpaint(_, boxes, maskPath, _, _) = operation {
                mask = try Self.inpaintMask(boxes: boxes, maskPath: maskPath, directory: directory,
                                            width: parameters.width, height: parameters.height)
            }
            self.init(parameters: parameters, work: .edit(EngineEdit(operation: operation, source: source, mask: mask)))
        }
    }

    /// The union of `boxes` (a pixel is inside when its centre is) and the mask file (stretched to
    /// the image's size, nearest pixel), as a `width × height` mask.
    static func inpaintMask(boxes: [RegionBox], maskPath: String?, directory: URL, width: Int, height: Int) throws -> RegionMask {
        var values = [UInt8](repeating: 0, count: width * height)
        for box in boxes {
            for y in 0..<height {
                let cy = (Double(y) + 0.5) / Double(height)
                guard cy >= box.y0, cy < box.y1 else { continue }
                for x in 0..<width {
                    let cx = (Double(x) + 0.5) / Double(width)
                    if cx >= box.x0, cx < box.x1 { values[y * width + x] = 1 }
                }
            }
        }
        if let maskPath {
            let file = try MaskImage.load(maskPath, relativeTo: directory)
            for y in 0..<height {
                let sy = min(file.height - 1, y * file.height / height)
                for x in 0..<width where file.values[sy * file.width + min(file.width - 1, x * file.width / width)] != 0 {
                    values[y * width + x] = 1
                }
            }
        }
        return RegionMask(width: width, height: height, values: values)
    }

    /// The source image as RGB at `width × height` (transparency dropped; resized when its size differs).
    static func loadSource(_ reference: ImageReference, sessionDirectory: URL, width: Int, height: Int) throws -> RGBImage {
        let url = reference.path.hasPrefix("/") ? URL(fileURLWithPath: reference.path)
            : sessionDirectory.appendingPathComponent(reference.path)
        let image: RGBImage
        do {
            image = try PNGFile.read(from: url).image
        } catch {
            throw JobError.missingSource(path: url.path, reason: "\(error)")
        }
        if image.width == width && image.height == height { return image }
        return ImageResampler.resize(image, width: width, height: height)
    }
}
