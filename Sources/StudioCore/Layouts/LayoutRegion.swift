/// One region of a layout: a box and the prompt that governs it.
public struct LayoutRegion: Codable, Hashable, Sendable {
    public var box: RegionBox
    public var prompt: String

    public init(box: RegionBox, prompt: String) {
        self.box = box
        self.prompt = prompt
    }
}
