/// A rectangle in fractions of the image: (x0, y0) top left, (x1, y1) bottom right, all in [0, 1].
/// Fractions, not pixels, so a layout keeps its meaning at any image size.
public struct RegionBox: Codable, Hashable, Sendable, CustomStringConvertible {
    public var x0: Double
    public var y0: Double
    public var x1: Double
    public var y1: Double

    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    /// Throws `JobError.invalidLayout` for a box outside [0, 1] or with no area.
    public func validate() throws {
        let values = [x0, y0, x1, y1]
        guard values.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
            throw JobError.invalidLayout("box \(self) goes outside the image: every coordinate must be in [0, 1]")
        }
        guard x0 < x1, y0 < y1 else {
            throw JobError.invalidLayout("box \(self) has no area: it needs x0 < x1 and y0 < y1")
        }
    }

    /// `0.00,0.00 – 0.40,0.45`-style, as the layout editor shows boxes.
    public var description: String {
        func format(_ value: Double) -> String {
            // A box read from a file may hold anything: negative, huge and non-finite values are
            // written as they are (Int would trap on huge ones, and the sign was lost).
            guard value >= 0, value < 1e15 else { return String(value) }
            let hundredths = Int((value * 100).rounded())
            let whole = hundredths / 100, fraction = abs(hundredths % 100)
            return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
        }
        return "\(format(x0)),\(format(y0)),\(format(x1)),\(format(y1))"
    }
}

extension RegionBox {
    /// `x0,y0,x1,y1` as written on command lines (unchecked; call `validate()`); nil unless four numbers.
    public init?(commaSeparated text: Substring) {
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4, let x0 = numbers[0], let y0 = numbers[1], let x1 = numbers[2], let y1 = numbers[3] else { return nil }
        self.init(x0: x0, y0: y0, x1: x1, y1: y1)
    }
}
