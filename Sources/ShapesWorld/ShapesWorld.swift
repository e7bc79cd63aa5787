/// The world the embedded model is trained on: palette, named positions, sizes and
/// shapes. The Python side (`Training/shapes_world.py`) follows the same contract; change both together.
public enum ShapesWorld {
    /// Colours an object can have, in the contract's order (the detector breaks ties in this order).
    public static let objectColours: [(name: String, rgb: RGB)] = [
        ("red", RGB(220, 40, 40)), ("green", RGB(40, 170, 60)), ("blue", RGB(40, 80, 220)),
        ("yellow", RGB(240, 210, 40)), ("orange", RGB(245, 140, 30)), ("purple", RGB(140, 60, 190)),
        ("white", RGB(245, 245, 245)), ("black", RGB(20, 20, 20)),
    ]
    /// Colours a background can have.
    public static let backgrounds: [(name: String, rgb: RGB)] = [
        ("white", RGB(245, 245, 245)), ("black", RGB(20, 20, 20)),
        ("gray", RGB(128, 128, 128)), ("beige", RGB(225, 210, 170)),
    ]
    /// Every colour the detector can name: object colours, then the background-only ones.
    public static let palette: [(name: String, rgb: RGB)] =
        objectColours + [("gray", RGB(128, 128, 128)), ("beige", RGB(225, 210, 170))]

    /// Named cell centres, fractions of the side, origin top-left.
    public static let positions: [(phrase: String, x: Double, y: Double)] = [
        ("at the top left", 0.25, 0.25), ("at the top", 0.50, 0.25), ("at the top right", 0.75, 0.25),
        ("at the left", 0.25, 0.50), ("in the center", 0.50, 0.50), ("at the right", 0.75, 0.50),
        ("at the bottom left", 0.25, 0.75), ("at the bottom", 0.50, 0.75), ("at the bottom right", 0.75, 0.75),
    ]

    public enum Size: String, CaseIterable, Sendable, Codable {
        case small, large
        /// Radius as a fraction of the side.
        public var radius: Double { self == .small ? 0.10 : 0.18 }
    }

    public enum Shape: String, CaseIterable, Sendable, Codable {
        case circle, square, triangle
    }

    /// Area in pixels of a shape of this size on a canvas `side` pixels wide (the detector's size reference).
    public static func expectedArea(_ shape: Shape, _ size: Size, side: Int) -> Double {
        let r = size.radius * Double(side)
        switch shape {
        case .circle: return Double.pi * r * r
        case .square: return (1.7 * r) * (1.7 * r)
        case .triangle: return 0.5 * (1.8 * r) * (1.8 * r)
        }
    }

    /// The centre of a position phrase, if it is one.
    public static func centre(of phrase: String) -> (x: Double, y: Double)? {
        positions.first { $0.phrase == phrase }.map { ($0.x, $0.y) }
    }
}

/// An 8-bit sRGB colour.
public struct RGB: Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
}
