/// One sRGB-encoded colour with 8 bits per channel, as stored in PNGs and sent to terminals.
public struct RGB8: Hashable, Sendable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let black = RGB8(0, 0, 0)
    public static let white = RGB8(255, 255, 255)

    public var description: String { "RGB8(\(red), \(green), \(blue))" }
}
