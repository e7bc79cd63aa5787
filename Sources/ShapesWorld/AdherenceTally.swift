import Foundation

/// One caption's result in an evaluation: the fields (and JSON keys) of `Training/evaluate.py`'s records,
/// so that the two evaluators' per-caption files can be compared line by line.
public struct CaptionScore: Codable, Sendable, Equatable {
    public var id: Int
    public var seed: UInt64
    /// Number of objects the caption names.
    public var objects: Int
    public var caption: String
    public var adheres: Bool
    public var objectsOK: Bool
    public var objectsFound: [Bool]
    public var backgroundOK: Bool?
    public var detectedBackground: String
    public var errors: [FailureClass]

    enum CodingKeys: String, CodingKey {
        case id, seed, objects, caption, adheres, errors
        case objectsOK = "objects_ok", objectsFound = "objects_found", backgroundOK = "background_ok"
        case detectedBackground = "detected_background"
    }

    public init(item: EvaluationSet.Item, diagnosis: Detector.Diagnosis) {
        let j = diagnosis.judgement
        self.id = item.id; self.seed = item.seed; self.objects = item.objects.count; self.caption = item.caption
        self.adheres = j.adheres; self.objectsOK = j.objectsCorrect; self.objectsFound = j.objectsFound
        self.backgroundOK = j.backgroundCorrect; self.detectedBackground = j.detectedBackground
        self.errors = diagnosis.errors
    }
}

/// A binomial proportion with its Wilson 95% score interval (sound near 0 and 1, unlike the normal one).
public struct Proportion: Sendable, Equatable {
    public var successes: Int
    public var count: Int

    public init(successes: Int, count: Int) { self.successes = successes; self.count = count }

    public var rate: Double { count == 0 ? 0 : Double(successes) / Double(count) }

    public var wilson95: (lower: Double, upper: Double) {
        guard count > 0 else { return (0, 1) }
        let z = 1.959964, n = Double(count), p = rate
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }
}

/// Rates per object count, background rate and failure classes of a list of caption scores; prints the
/// same report as `Training/evaluate.py`.
public struct AdherenceTally: Sendable {
    public var scores: [CaptionScore]
    public static let objectCounts = [1, 2, 3]

    public init(scores: [CaptionScore]) { self.scores = scores }

    /// Captions with `count` objects whose every object was found.
    public func objects(_ count: Int) -> Proportion {
        let s = scores.filter { $0.objects == count }
        return Proportion(successes: s.filter(\.objectsOK).count, count: s.count)
    }

    public var background: Proportion {
        Proportion(successes: scores.filter { $0.backgroundOK == true }.count, count: scores.count)
    }

    public func failures(_ count: Int) -> Int { scores.filter { $0.objects == count && !$0.adheres }.count }

    /// Errors of each class among the captions with `count` objects.
    public func errorCounts(_ count: Int) -> [FailureClass: Int] {
        var counts = Dictionary(uniqueKeysWithValues: FailureClass.allCases.map { ($0, 0) })
        for s in scores where s.objects == count { for e in s.errors { counts[e, default: 0] += 1 } }
        return counts
    }

    /// Rates with intervals, then the error table per object count.
    public func report(header: String) -> String {
        func line(_ name: String, _ p: Proportion) -> String {
            let (lo, hi) = p.wilson95
            return "  " + name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: " %.3f  [%.3f, %.3f]  (n = %d)", p.rate, lo, hi, p.count)
        }
        var lines = [header, line("one object", objects(1)), line("two objects", objects(2)),
                     line("three objects", objects(3)), line("background", background)]
        lines.append("Failures by class (errors counted per object; extra = unexplained region):")
        lines.append("  objects  failed  " + FailureClass.allCases.map(\.title).joined(separator: "  "))
        for k in Self.objectCounts {
            let counts = errorCounts(k)
            let cells = FailureClass.allCases.map { c in
                let v = String(counts[c] ?? 0)
                return String(repeating: " ", count: max(0, c.title.count - v.count)) + v
            }
            let failed = String(failures(k))
            lines.append("  " + String(repeating: " ", count: 7 - String(k).count) + String(k) + "  "
                         + String(repeating: " ", count: max(0, 6 - failed.count)) + failed + "  "
                         + cells.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}
