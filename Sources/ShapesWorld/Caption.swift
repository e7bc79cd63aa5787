import Foundation

/// A Shapes-World caption parsed back into its objects and background, for the detector.
public struct Caption: Equatable, Sendable {
    public struct Object: Equatable, Sendable {
        public var size: ShapesWorld.Size
        public var colour: String
        public var shape: ShapesWorld.Shape
        /// nil when the caption names no position for this object (a training variant or a regional prompt).
        public var position: String?

        public init(size: ShapesWorld.Size, colour: String, shape: ShapesWorld.Shape, position: String?) {
            self.size = size; self.colour = colour; self.shape = shape; self.position = position
        }

        /// The object's phrase, e.g. "a large red circle at the top left".
        public var phrase: String {
            let base = "a \(size.rawValue) \(colour) \(shape.rawValue)"
            return position.map { "\(base) \($0)" } ?? base
        }
    }

    public var objects: [Object]
    public var background: String?

    public init(objects: [Object], background: String?) {
        self.objects = objects; self.background = background
    }

    /// The caption's canonical text.
    public var text: String {
        let objs = objects.map(\.phrase).joined(separator: " and ")
        return background.map { "\(objs) on a \($0) background" } ?? objs
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notAnObjectPhrase(String)
        case unknownWord(String, in: String)

        public var description: String {
            switch self {
            case .notAnObjectPhrase(let p):
                return "“\(p)” is not a Shapes-World object phrase (expected “a SIZE COLOUR SHAPE [POSITION]”)"
            case .unknownWord(let w, let p): return "unknown word “\(w)” in “\(p)”"
            }
        }
    }

    /// Parses any caption variant of SHAPES_WORLD ("Captions"): objects joined by " and ", an optional
    /// " on a BG background" suffix, an optional position phrase per object.
    public init(parsing caption: String) throws {
        var text = caption.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var background: String?
        if text.hasSuffix(" background"), let range = text.range(of: "on a ", options: .backwards) {
            let bg = String(text[range.upperBound...].dropLast(" background".count)).trimmingCharacters(in: .whitespaces)
            guard ShapesWorld.palette.contains(where: { $0.name == bg }) else {
                throw ParseError.unknownWord(bg, in: caption)
            }
            background = bg
            text = String(text[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
        }
        var objects: [Object] = []
        for part in text.components(separatedBy: " and ") where !part.isEmpty {
            let words = part.split(separator: " ").map(String.init)
            guard words.count >= 4, words[0] == "a" else { throw ParseError.notAnObjectPhrase(part) }
            guard let size = ShapesWorld.Size(rawValue: words[1]) else { throw ParseError.unknownWord(words[1], in: part) }
            guard ShapesWorld.objectColours.contains(where: { $0.name == words[2] }) else {
                throw ParseError.unknownWord(words[2], in: part)
            }
            guard let shape = ShapesWorld.Shape(rawValue: words[3]) else { throw ParseError.unknownWord(words[3], in: part) }
            let rest = words.dropFirst(4).joined(separator: " ")
            if !rest.isEmpty && ShapesWorld.centre(of: rest) == nil { throw ParseError.unknownWord(rest, in: part) }
            objects.append(Object(size: size, colour: words[2], shape: shape, position: rest.isEmpty ? nil : rest))
        }
        self.init(objects: objects, background: background)
    }
}
