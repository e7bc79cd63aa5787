/// A Shapes-World scene: a background and objects at jittered centres. Rendering follows SHAPES_WORLD
/// exactly (flat colour, a pixel is inside a shape when its centre is), like `Training/shapes_world.py`.
public struct Scene: Sendable {
    public struct Object: Sendable {
        public var size: ShapesWorld.Size
        public var colour: String
        public var shape: ShapesWorld.Shape
        public var position: String
        /// Centre in fractions of the side (the named centre plus jitter).
        public var cx: Double, cy: Double

        public init(size: ShapesWorld.Size, colour: String, shape: ShapesWorld.Shape, position: String, cx: Double, cy: Double) {
            self.size = size; self.colour = colour; self.shape = shape; self.position = position
            self.cx = cx; self.cy = cy
        }

        /// Does the shape cover the point (x, y), in fractions of the side?
        public func covers(x: Double, y: Double) -> Bool {
            let r = size.radius
            switch shape {
            case .circle:
                return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r
            case .square:
                return abs(x - cx) <= 0.85 * r && abs(y - cy) <= 0.85 * r
            case .triangle:
                let top = cy - r
                let rel = (y - top) / (1.8 * r)
                return y >= top && y <= cy + 0.8 * r && abs(x - cx) <= 0.9 * r * rel
            }
        }
    }

    public var background: String
    public var objects: [Object]

    public init(background: String, objects: [Object]) {
        self.background = background; self.objects = objects
    }

    /// The canonical caption: every object with its position, then the background.
    public var caption: Caption {
        Caption(objects: objects.map { .init(size: $0.size, colour: $0.colour, shape: $0.shape, position: $0.position) },
                background: background)
    }

    /// The scene drawn on a `side`×`side` canvas, RGB8 row-major.
    public func render(side: Int = 64) -> [UInt8] {
        let bg = ShapesWorld.palette.first { $0.name == background }?.rgb ?? RGB(0, 0, 0)
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let fx = (Double(x) + 0.5) / Double(side), fy = (Double(y) + 0.5) / Double(side)
                var c = bg
                for o in objects where o.covers(x: fx, y: fy) {
                    c = ShapesWorld.palette.first { $0.name == o.colour }?.rgb ?? c
                }
                let i = (y * side + x) * 3
                pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b
            }
        }
        return pixels
    }
}
