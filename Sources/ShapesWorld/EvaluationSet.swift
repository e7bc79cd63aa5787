import Foundation

/// The fixed evaluation caption set (`eval-captions-v1.json`, written by `Training/make_eval_captions.py`
/// and shipped beside the built-in model): scenes with their canonical captions and one seed each, so that
/// `dit-studio evaluate`, `Training/evaluate.py` and CI score the same captions with the same noise.
public struct EvaluationSet: Sendable, Decodable {
    /// The file name of the set this version of the studio scores by default.
    public static let defaultFileName = "eval-captions-v1.json"

    public struct Object: Sendable, Decodable, Equatable {
        public var size: ShapesWorld.Size
        public var colour: String
        public var shape: ShapesWorld.Shape
        public var position: String
        /// The jittered centre of the ground-truth scene, fractions of the side.
        public var cx: Double, cy: Double
    }

    public struct Item: Sendable, Decodable {
        public var id: Int
        public var seed: UInt64
        public var caption: String
        public var background: String
        public var objects: [Object]

        /// The ground-truth scene (for checks: its render must adhere to the caption).
        public var scene: Scene {
            Scene(background: background, objects: objects.map {
                .init(size: $0.size, colour: $0.colour, shape: $0.shape, position: $0.position, cx: $0.cx, cy: $0.cy)
            })
        }
    }

    /// e.g. "eval-captions-v1".
    public var version: String
    public var items: [Item]

    public init(version: String, items: [Item]) {
        self.version = version; self.items = items
    }

    /// Loads and checks a set: every caption must be the canonical caption of its scene (a hand-edited
    /// caption that no longer matches its scene would be scored against the wrong objects), ids and seeds
    /// unique, 1–3 objects per item.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ShapesWorldError.unreadableCaptionSet(path: url.path, reason: error.localizedDescription)
        }
        let decoded: EvaluationSet
        do { decoded = try JSONDecoder().decode(EvaluationSet.self, from: data) } catch let error as DecodingError {
            throw ShapesWorldError.invalidCaptionSet(path: url.path, reason: Self.describe(error))
        }
        var ids = Set<Int>(), seeds = Set<UInt64>()
        for item in decoded.items {
            func fail(_ reason: String) -> ShapesWorldError {
                .invalidCaptionSet(path: url.path, reason: "item \(item.id): \(reason)")
            }
            guard (1...3).contains(item.objects.count) else { throw fail("has \(item.objects.count) objects (1 to 3)") }
            guard ShapesWorld.backgrounds.contains(where: { $0.name == item.background }) else {
                throw fail("unknown background “\(item.background)”")
            }
            for object in item.objects {
                guard ShapesWorld.objectColours.contains(where: { $0.name == object.colour }) else {
                    throw fail("unknown colour “\(object.colour)”")
                }
                guard ShapesWorld.centre(of: object.position) != nil else { throw fail("unknown position “\(object.position)”") }
            }
            guard item.scene.caption.text == item.caption else {
                throw fail("caption “\(item.caption)” is not its scene's canonical caption “\(item.scene.caption.text)”")
            }
            guard ids.insert(item.id).inserted else { throw fail("id used twice") }
            guard seeds.insert(item.seed).inserted else { throw fail("seed \(item.seed) used twice") }
        }
        guard !decoded.items.isEmpty else { throw ShapesWorldError.invalidCaptionSet(path: url.path, reason: "no items") }
        self = decoded
    }

    /// The first `n` items of each object count, in file order (a fixed subset); all of them when nil.
    public func firstPerCount(_ n: Int?) -> EvaluationSet {
        guard let n else { return self }
        var taken: [Int: Int] = [:]
        let kept = items.filter { item in
            let k = item.objects.count
            taken[k, default: 0] += 1
            return taken[k]! <= n
        }
        return EvaluationSet(version: version, items: kept)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let c): return "missing key “\(key.stringValue)” at \(path(c).isEmpty ? "top level" : path(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(c.debugDescription) at \(path(c).isEmpty ? "top level" : path(c))"
        @unknown default: return "\(error)"
        }
    }
}
