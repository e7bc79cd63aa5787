/// The adherence detector of SHAPES_WORLD ("What adherence means"), the same rules as
/// `Training/shapes_world.py`: pixels take the nearest palette colour (within a tolerance); each colour's
/// 4-connected regions are measured; a named object is found when an unused region has its colour, its shape
/// (bounding-box fill), its size (area) and — where the caption names one — its position (nearest named centre
/// to the centroid). The background is the most frequent palette colour.
public struct Detector: Sendable {
    public var colourTolerance = 60.0
    public var minimumRegionArea = 12
    /// Bounding-box fill: square ≈ 1.0, circle ≈ 0.785, triangle ≈ 0.5.
    public var squareMinimumFill = 0.89
    public var triangleMaximumFill = 0.64

    public init() {}

    /// A connected region of one palette colour.
    public struct Region: Sendable, Equatable {
        public var colour: String
        public var area: Int
        public var fill: Double
        /// Centroid, fractions of the side.
        public var cx: Double, cy: Double
        public var shape: ShapesWorld.Shape
        public var size: ShapesWorld.Size
        public var position: String
    }

    public struct Judgement: Sendable, Equatable {
        /// Per named object, in caption order: was it found?
        public var objectsFound: [Bool]
        /// nil when the caption names no background.
        public var backgroundCorrect: Bool?
        public var detectedBackground: String
        public var objectsCorrect: Bool { objectsFound.allSatisfy { $0 } }
        public var adheres: Bool { objectsCorrect && backgroundCorrect != false }
    }

    /// Index into `ShapesWorld.palette` per pixel, −1 where no palette colour is within the tolerance.
    public func classify(pixels: [UInt8], width: Int, height: Int) -> [Int] {
        precondition(pixels.count == width * height * 3, "pixels must be RGB8, width × height × 3")
        let palette = ShapesWorld.palette.map { (Double($0.rgb.r), Double($0.rgb.g), Double($0.rgb.b)) }
        let limit = colourTolerance * colourTolerance
        var classes = [Int](repeating: -1, count: width * height)
        for p in 0..<(width * height) {
            let r = Double(pixels[3 * p]), g = Double(pixels[3 * p + 1]), b = Double(pixels[3 * p + 2])
            var best = -1, bestD = Double.infinity
            for (k, c) in palette.enumerated() {
                let d = (r - c.0) * (r - c.0) + (g - c.1) * (g - c.1) + (b - c.2) * (b - c.2)
                if d < bestD { bestD = d; best = k }
            }
            classes[p] = bestD <= limit ? best : -1
        }
        return classes
    }

    /// The regions of every non-background colour and the background's name.
    public func regions(pixels: [UInt8], width: Int, height: Int) -> (regions: [Region], background: String) {
        let classes = classify(pixels: pixels, width: width, height: height)
        let palette = ShapesWorld.palette
        var counts = [Int](repeating: 0, count: palette.count)
        for c in classes where c >= 0 { counts[c] += 1 }
        let bgIndex = counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) } ?? 0
        var label = [Int](repeating: -1, count: classes.count)
        // Ordered like the Python detector (palette order, then first pixel in raster order), so that the
        // first matching region is the same one in both.
        var found: [(colour: Int, start: Int, region: Region)] = []
        var stack: [Int] = []
        for start in classes.indices where classes[start] >= 0 && classes[start] != bgIndex && label[start] < 0 {
            let colour = classes[start]
            label[start] = start
            stack.append(start)
            var area = 0, sumX = 0, sumY = 0
            var minX = Int.max, maxX = Int.min, minY = Int.max, maxY = Int.min
            while let p = stack.popLast() {
                let x = p % width, y = p / width
                area += 1; sumX += x; sumY += y
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                where nx >= 0 && nx < width && ny >= 0 && ny < height {
                    let q = ny * width + nx
                    if classes[q] == colour && label[q] < 0 { label[q] = start; stack.append(q) }
                }
            }
            guard area >= minimumRegionArea else { continue }
            let fill = Double(area) / Double((maxX - minX + 1) * (maxY - minY + 1))
            let cx = (Double(sumX) / Double(area) + 0.5) / Double(width)
            let cy = (Double(sumY) / Double(area) + 0.5) / Double(height)
            found.append((colour, start, describe(colour: palette[colour].name, area: area, fill: fill, cx: cx, cy: cy, side: width)))
        }
        found.sort { ($0.colour, $0.start) < ($1.colour, $1.start) }
        return (found.map(\.region), palette[bgIndex].name)
    }

    /// Judges an RGB8 image against a caption.
    public func judge(pixels: [UInt8], width: Int, height: Int, caption: Caption) -> Judgement {
        let (regions, background) = self.regions(pixels: pixels, width: width, height: height)
        return judge(regions: regions, background: background, caption: caption).judgement
    }

    /// The judgement from measured regions, and which regions the found objects took: each named object, in
    /// caption order, takes the first unused region with its colour, shape, size and (if named) position.
    func judge(regions: [Region], background: String, caption: Caption) -> (judgement: Judgement, used: Set<Int>) {
        var used = Set<Int>()
        var found: [Bool] = []
        for object in caption.objects {
            let match = regions.indices.first { i in
                let r = regions[i]
                return !used.contains(i) && r.colour == object.colour && r.shape == object.shape
                    && r.size == object.size && (object.position == nil || r.position == object.position)
            }
            if let match { used.insert(match) }
            found.append(match != nil)
        }
        let judgement = Judgement(objectsFound: found, backgroundCorrect: caption.background.map { $0 == background },
                                  detectedBackground: background)
        return (judgement, used)
    }

    private func describe(colour: String, area: Int, fill: Double, cx: Double, cy: Double, side: Int) -> Region {
        let shape: ShapesWorld.Shape = fill >= squareMinimumFill ? .square : (fill < triangleMaximumFill ? .triangle : .circle)
        let small = ShapesWorld.expectedArea(shape, .small, side: side)
        let large = ShapesWorld.expectedArea(shape, .large, side: side)
        let size: ShapesWorld.Size = Double(area) > (small * large).squareRoot() ? .large : .small
        let position = ShapesWorld.positions.min { a, b in
            (a.x - cx) * (a.x - cx) + (a.y - cy) * (a.y - cy) < (b.x - cx) * (b.x - cx) + (b.y - cy) * (b.y - cy)
        }!.phrase
        return Region(colour: colour, area: area, fill: fill, cx: cx, cy: cy, shape: shape, size: size, position: position)
    }
}
