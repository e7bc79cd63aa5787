import DiTEngine

extension Scene {
    /// A scene drawn by the SHAPES_WORLD rules: `objects` objects (1–3) at distinct named positions
    /// with ±0.04 jitter, sizes, colours (never the background's) and shapes uniform, redrawn until
    /// no two bounding boxes come closer than one pixel on a `side`-pixel canvas.
    public static func random<G: RandomNumberGenerator>(objects count: Int, side: Int = 64, using rng: inout G) -> Scene {
        precondition((1...3).contains(count), "a Shapes-World scene has 1 to 3 objects")
        while true {
            let background = ShapesWorld.backgrounds.randomElement(using: &rng)!.name
            let colours = ShapesWorld.objectColours.map(\.name).filter { $0 != background }
            let objects = ShapesWorld.positions.shuffled(using: &rng).prefix(count).map { p in
                Object(size: ShapesWorld.Size.allCases.randomElement(using: &rng)!,
                       colour: colours.randomElement(using: &rng)!,
                       shape: ShapesWorld.Shape.allCases.randomElement(using: &rng)!, position: p.phrase,
                       cx: p.x + Double.random(in: -0.04...0.04, using: &rng),
                       cy: p.y + Double.random(in: -0.04...0.04, using: &rng))
            }
            let boxes = objects.map(\.boundingBox)
            let clear = boxes.indices.allSatisfy { i in
                boxes.indices.allSatisfy { j in
                    j <= i || max(max(boxes[j].x0 - boxes[i].x1, boxes[i].x0 - boxes[j].x1),
                                  max(boxes[j].y0 - boxes[i].y1, boxes[i].y0 - boxes[j].y1)) * Double(side) >= 1
                }
            }
            if clear { return Scene(background: background, objects: objects) }
        }
    }
}

extension Scene.Object {
    /// The shape's bounding box in fractions of the side.
    public var boundingBox: (x0: Double, y0: Double, x1: Double, y1: Double) {
        let r = size.radius
        switch shape {
        case .circle: return (cx - r, cy - r, cx + r, cy + r)
        case .square: return (cx - 0.85 * r, cy - 0.85 * r, cx + 0.85 * r, cy + 0.85 * r)
        case .triangle: return (cx - 0.9 * r, cy - r, cx + 0.9 * r, cy + 0.8 * r)
        }
    }
}
