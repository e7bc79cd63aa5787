import DiTEngine

/// One job as the engine runs it: the parameters every job has, and what kind of work it is — with
/// everything the engine needs already loaded (an edit's source image is read by the studio, not by
/// the engine, which reads no files but weights).
public struct EngineJob: Sendable {
    public enum Work: Sendable {
        /// Text to image.
        case textToImage
        /// Text to image with regions of their own prompts, with the mask of each region that has one
        /// (aligned with `layout.regions`).
        case regional(Layout, masks: [RegionMask?])
        /// An edit of a loaded source image.
        case edit(EngineEdit)
    }

    public var parameters: GenerateParameters
    public var work: Work
    /// How the step previews are decoded (a studio setting, not part of the job: it never changes
    /// the final image).
    public var previews: PreviewChoice

    public init(parameters: GenerateParameters, work: Work = .textToImage, previews: PreviewChoice = .auto) {
        self.parameters = parameters
        self.work = work
        self.previews = previews
    }
}

/// An edit with its source image (and, for an inpaint, its mask) in memory.
public struct EngineEdit: Sendable {
    public var operation: EditOperation
    /// The source image, at the job's size.
    public var source: RGBImage
    /// An inpaint's mask at the job's size (its boxes and mask file together); nil for other edits.
    public var mask: RegionMask?

    public init(operation: EditOperation, source: RGBImage, mask: RegionMask? = nil) {
        self.operation = operation
        self.source = source
        self.mask = mask
    }
}
