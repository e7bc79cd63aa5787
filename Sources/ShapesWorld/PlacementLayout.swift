import DiTEngine

/// A random regional layout of the Shapes World, for measuring placement: 2–3 objects, each given a
/// box around a distinct named position and a region prompt with no position words; the base
/// prompt names every object (again without positions) and the background.
///
/// Placement is met for a box when the detector finds a region of the box's colour and shape whose
/// centroid lies inside the box (`sized` also asks for the size). The same prompts without regions
/// give the baseline: there the model places objects wherever it likes.
public struct PlacementLayout: Sendable {
    public struct Box: Sendable, Equatable {
        public var x0, y0, x1, y1: Double
        public var object: Caption.Object

        public func contains(x: Double, y: Double) -> Bool { x >= x0 && x < x1 && y >= y0 && y < y1 }
        /// The region's prompt: the object's phrase with no position.
        public var prompt: String { Caption.Object(size: object.size, colour: object.colour, shape: object.shape, position: nil).phrase }
    }

    public var boxes: [Box]
    public var background: String

    /// Every object and the background, no positions: the base prompt and the baseline's prompt.
    public var basePrompt: String {
        Caption(objects: boxes.map { Caption.Object(size: $0.object.size, colour: $0.object.colour, shape: $0.object.shape, position: nil) },
                background: background).text
    }

    /// A layout drawn like a scene (`Scene.random`: distinct positions, objects that do not touch),
    /// each object's box its position's cell widened by a random half-extent of 0.17–0.25.
    public static func random<G: RandomNumberGenerator>(using rng: inout G) -> PlacementLayout {
        let scene = Scene.random(objects: Int.random(in: 2...3, using: &rng), using: &rng)
        let boxes = scene.objects.map { object -> Box in
            let cell = ShapesWorld.positions.first { $0.phrase == object.position }!
            let half = Double.random(in: 0.17...0.25, using: &rng)
            return Box(x0: max(0, cell.x - half), y0: max(0, cell.y - half), x1: min(1, cell.x + half), y1: min(1, cell.y + half),
                       object: Caption.Object(size: object.size, colour: object.colour, shape: object.shape, position: nil))
        }
        return PlacementLayout(boxes: boxes, background: scene.background)
    }

    /// For each box, whether its object was found inside it.
    public func judge(pixels: [UInt8], width: Int, height: Int, detector: Detector = Detector(),
                      sized: Bool = false) -> [Bool] {
        judge(regions: detector.regions(pixels: pixels, width: width, height: height).regions, sized: sized)
    }

    /// The same from regions the detector already found in the image.
    public func judge(regions: [Detector.Region], sized: Bool = false) -> [Bool] {
        boxes.map { box in
            regions.contains { r in
                r.colour == box.object.colour && r.shape == box.object.shape && (!sized || r.size == box.object.size)
                    && box.contains(x: r.cx, y: r.cy)
            }
        }
    }
}
