/// Regions taken to the transformer's patch grid: which image tokens each region covers.
///
/// A token is covered when at least half of its cell lies in the region. A region too small to
/// cover half of any cell still gets the one cell it overlaps most, so its prompt always has image
/// tokens to act on. Rebuilt for every generation, from the layout, size and model at hand.
public struct RegionGrid: Sendable, Equatable {
    public let columns: Int
    public let rows: Int
    /// `coverage[r][token]`: whether region `r` covers image token `token` (row-major).
    public let coverage: [[Bool]]

    public init(columns: Int, rows: Int, coverage: [[Bool]]) {
        precondition(coverage.allSatisfy { $0.count == columns * rows })
        self.columns = columns
        self.rows = rows
        self.coverage = coverage
    }

    /// The coverage of `areas` on a `columns × rows` grid.
    public init(areas: [RegionalPrompt.Area], columns: Int, rows: Int) {
        self.init(columns: columns, rows: rows,
                  coverage: areas.map { Self.cover($0, columns: columns, rows: rows) })
    }

    /// Tokens covered by no region.
    public var uncovered: [Bool] {
        (0..<(columns * rows)).map { token in !coverage.contains { $0[token] } }
    }

    /// The fraction of each cell inside `area`, thresholded at ½, with the best cell as a fallback.
    static func cover(_ area: RegionalPrompt.Area, columns: Int, rows: Int) -> [Bool] {
        let fractions = overlap(area, columns: columns, rows: rows)
        var covered = fractions.map { $0 >= 0.5 }
        if !covered.contains(true), let best = fractions.indices.max(by: { fractions[$0] < fractions[$1] }),
           fractions[best] > 0 {
            covered[best] = true
        }
        return covered
    }

    /// The fraction of each grid cell that `area` covers.
    static func overlap(_ area: RegionalPrompt.Area, columns: Int, rows: Int) -> [Double] {
        var fractions = [Double](repeating: 0, count: columns * rows)
        switch area {
        case let .box(x0, y0, x1, y1):
            for gy in 0..<rows {
                let top = Double(gy) / Double(rows), bottom = Double(gy + 1) / Double(rows)
                let dy = max(0, min(bottom, y1) - max(top, y0)) * Double(rows)
                for gx in 0..<columns {
                    let left = Double(gx) / Double(columns), right = Double(gx + 1) / Double(columns)
                    let dx = max(0, min(right, x1) - max(left, x0)) * Double(columns)
                    fractions[gy * columns + gx] = dx * dy
                }
            }
        case .mask(let mask):
            // Each mask pixel is a rectangle of the image: add its overlap with every cell it touches.
            let cellArea = 1 / Double(columns * rows)
            for py in 0..<mask.height {
                let top = Double(py) / Double(mask.height), bottom = Double(py + 1) / Double(mask.height)
                for px in 0..<mask.width where mask.values[py * mask.width + px] != 0 {
                    let left = Double(px) / Double(mask.width), right = Double(px + 1) / Double(mask.width)
                    let firstRow = min(rows - 1, Int(top * Double(rows))), lastRow = min(rows - 1, Int((bottom * Double(rows)).nextDown))
                    let firstColumn = min(columns - 1, Int(left * Double(columns))), lastColumn = min(columns - 1, Int((right * Double(columns)).nextDown))
                    for gy in firstRow...max(firstRow, lastRow) {
                        let dy = min(bottom, Double(gy + 1) / Double(rows)) - max(top, Double(gy) / Double(rows))
                        guard dy > 0 else { continue }
                        for gx in firstColumn...max(firstColumn, lastColumn) {
                            let dx = min(right, Double(gx + 1) / Double(columns)) - max(left, Double(gx) / Double(columns))
                            guard dx > 0 else { continue }
                            fractions[gy * columns + gx] += dx * dy / cellArea
                        }
                    }
                }
            }
        }
        return fractions
    }
}
