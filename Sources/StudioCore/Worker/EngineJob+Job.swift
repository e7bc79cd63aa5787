import Foundation

extension EngineJob {
    /// The engine's view of a queued job: an edit's source image is read here (a path relative to
    /// `sessionDirectory` is resolved against it) and brought to the job's size.
    /// Throws `JobError.missingSource` naming the file when it cannot be read.
    public init(_ job: Job, sessionDirectory: URL) throws {
        switch job.kind {
        case .generate:
            self.init(parameters: job.parameters)
        case .regional(let layout):
            self.init(parameters: job.parameters, work: .regional(layout))
        case .edit(let operation):
            let source = try Self.loadSource(operation.source, sessionDirectory: sessionDirectory,
                                             width: job.parameters.width, height: job.parameters.height)
            self.init(parameters: job.parameters, work: .edit(EngineEdit(operation: operation, source: source)))
        }
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
