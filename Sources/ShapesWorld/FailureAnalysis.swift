/// Why an image fails its caption: one class per unfound object, per unexplained region and for a wrong
/// background. The same rules as `diagnose` in `Training/shapes_world.py`, so that both evaluators print
/// the same error table for the same image.
public enum FailureClass: String, CaseIterable, Sendable, Codable {
    case missing, colour, shape, swapped, position, size, extra, background

    /// The column title in the error table.
    public var title: String {
        switch self {
        case .missing: return "object missing"
        case .colour: return "wrong colour"
        case .shape: return "wrong shape"
        case .swapped: return "colour/shape swapped"
        case .position: return "wrong position"
        case .size: return "wrong size"
        case .extra: return "extra object"
        case .background: return "background"
        }
    }
}

extension Detector {
    /// A judgement with the failure classes behind it (none when the image adheres).
    public struct Diagnosis: Sendable, Equatable {
        public var judgement: Judgement
        /// Unfound objects in caption order, then one `.extra` per unexplained region, then `.background`.
        public var errors: [FailureClass]
    }

    /// Judges the image and, when it fails, classifies why. Each named object the judge did not find is
    /// explained by an unused region (the judge's own matches stay), in passes over the unfound objects in
    /// caption order; each pass takes the first unused region, in region order, that fits:
    /// 1. position — the object's colour, shape and size, at another named position;
    /// 2. size — its colour and shape, at its position (any when the caption names none), the other size;
    /// 3. colour — its shape, at its position, another colour: `.swapped` when that colour is named for
    ///    another object of the caption, else `.colour`;
    /// 4. shape — its colour, at its position, another shape: `.swapped` when that shape is named for
    ///    another object of the caption, else `.shape`.
    /// An object still unexplained is `.missing`; every unused region left is `.extra`; a wrong background
    /// adds `.background`.
    public func diagnose(pixels: [UInt8], width: Int, height: Int, caption: Caption) -> Diagnosis {
        let (regions, background) = self.regions(pixels: pixels, width: width, height: height)
        let (judgement, matched) = judge(regions: regions, background: background, caption: caption)
        guard !judgement.adheres else { return Diagnosis(judgement: judgement, errors: []) }
        let objects = caption.objects
        func atPosition(_ o: Caption.Object, _ r: Region) -> Bool { o.position == nil || r.position == o.position }
        func namedForAnother(_ i: Int, _ value: (Caption.Object) -> Bool) -> Bool {
            objects.indices.contains { $0 != i && value(objects[$0]) }
        }
        let passes: [(Int, Caption.Object, Region) -> FailureClass?] = [
            { _, o, r in
                o.position != nil && r.colour == o.colour && r.shape == o.shape && r.size == o.size
                    && r.position != o.position ? .position : nil
            },
            { _, o, r in r.colour == o.colour && r.shape == o.shape && atPosition(o, r) && r.size != o.size ? .size : nil },
            { i, o, r in
                guard r.shape == o.shape, atPosition(o, r), r.colour != o.colour else { return nil }
                return namedForAnother(i) { $0.colour == r.colour } ? .swapped : .colour
            },
            { i, o, r in
                guard r.colour == o.colour, atPosition(o, r), r.shape != o.shape else { return nil }
                return namedForAnother(i) { $0.shape == r.shape } ? .swapped : .shape
            },
        ]
        var used = matched
        var classes: [Int: FailureClass] = [:]
        for rule in passes {
            for (i, o) in objects.enumerated() where !judgement.objectsFound[i] && classes[i] == nil {
                for k in regions.indices where !used.contains(k) {
                    if let c = rule(i, o, regions[k]) {
                        classes[i] = c
                        used.insert(k)
                        break
                    }
                }
            }
        }
        var errors = objects.indices.filter { !judgement.objectsFound[$0] }.map { classes[$0] ?? .missing }
        errors += Array(repeating: .extra, count: regions.count - used.count)
        if judgement.backgroundCorrect == false { errors.append(.background) }
        return Diagnosis(judgement: judgement, errors: errors)
    }
}
