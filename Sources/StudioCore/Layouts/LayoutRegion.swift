/// One region of a layout: where it is and the prompt that governs it.
///
/// A region is a box, or a mask image (white = inside) whose bounding box is kept in `box` so the
/// layout editor and the queue can show it; the mask, when present, decides which image tokens the
/// region covers.
public struct LayoutRegion: Codable, Hashable, Sendable {
    public var box: RegionBox
    public var prompt: String
    /// A mask PNG's path (absolute, or relative to the layout file or session it came from).
    public var mask: String?

    public init(box: RegionBox, prompt: String, mask: String? = nil) {
        self.box = box
        self.prompt = prompt
        self.mask = mask
    }
}
