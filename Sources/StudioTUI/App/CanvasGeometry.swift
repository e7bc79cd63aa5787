import StudioCore

/// Where an image sits on screen and how cells map to fractions of it (and back): the layout
/// editor's and the inpaint mask's canvas. The image is fitted into the pane with its aspect ratio,
/// one cell per pixel column and two pixel rows per cell (half blocks), and centred.
public struct CanvasGeometry: Equatable, Sendable {
    /// The cells the image covers.
    public let area: Rect

    public init(area: Rect) {
        self.area = area
    }

    /// The image of `imageWidth × imageHeight` pixels fitted into `pane`.
    public init(imageWidth: Int, imageHeight: Int, in pane: Rect) {
        guard pane.width > 0, pane.height > 0, imageWidth > 0, imageHeight > 0 else {
            self.init(area: Rect(left: pane.left, top: pane.top, width: 0, height: 0))
            return
        }
        let size = HalfBlockRenderer.fittedPixelSize(width: imageWidth, height: imageHeight,
                                                     columns: pane.width, rows: pane.height)
        let rows = (size.height + 1) / 2
        self.init(area: Rect(left: pane.left + (pane.width - size.width) / 2, top: pane.top + (pane.height - rows) / 2,
                             width: size.width, height: rows))
    }

    /// One cell's share of the image across and down.
    public var columnStep: Double { area.width > 0 ? 1 / Double(area.width) : 0 }
    public var rowStep: Double { area.height > 0 ? 1 / Double(area.height) : 0 }

    /// The fraction of the image at the top-left corner of a cell, clamped to [0, 1].
    public func fraction(column: Int, row: Int) -> (x: Double, y: Double) {
        guard area.width > 0, area.height > 0 else { return (0, 0) }
        let x = Double(column - area.left) / Double(area.width)
        let y = Double(row - area.top) / Double(area.height)
        return (min(1, max(0, x)), min(1, max(0, y)))
    }

    /// The cells a box covers: from the cell holding its top-left corner to the one holding its
    /// bottom-right corner (at least one cell).
    public func cells(of box: RegionBox) -> Rect {
        let left = area.left + Int((box.x0 * Double(area.width)).rounded(.down))
        let top = area.top + Int((box.y0 * Double(area.height)).rounded(.down))
        let right = area.left + Int((box.x1 * Double(area.width)).rounded(.up))
        let bottom = area.top + Int((box.y1 * Double(area.height)).rounded(.up))
        return Rect(left: left, top: top, width: max(1, right - left), height: max(1, bottom - top))
    }

    /// The box spanning two cells (either order), both included.
    public func box(from start: (column: Int, row: Int), to end: (column: Int, row: Int)) -> RegionBox {
        let a = fraction(column: min(start.column, end.column), row: min(start.row, end.row))
        let b = fraction(column: max(start.column, end.column) + 1, row: max(start.row, end.row) + 1)
        return BoxMath.tidy(RegionBox(x0: a.x, y0: a.y, x1: max(b.x, a.x + columnStep), y1: max(b.y, a.y + rowStep)))
    }

    /// The index of the topmost box (the last drawn) holding a cell, if any.
    public func box(at column: Int, row: Int, in boxes: [RegionBox]) -> Int? {
        boxes.indices.last { cells(of: boxes[$0]).contains(column: column, row: row) }
    }
}

/// Moving and resizing boxes inside the image: pure, clamped to [0, 1], never below a minimum size.
public enum BoxMath {
    /// Smallest side of a box as a fraction (about one cell of a small canvas).
    public static let minimumSide = 0.02

    /// Moves `box` by (dx, dy), stopping at the image's edges without changing its size.
    public static func move(_ box: RegionBox, dx: Double, dy: Double) -> RegionBox {
        let width = box.x1 - box.x0, height = box.y1 - box.y0
        let x0 = min(1 - width, max(0, box.x0 + dx))
        let y0 = min(1 - height, max(0, box.y0 + dy))
        return tidy(RegionBox(x0: x0, y0: y0, x1: x0 + width, y1: y0 + height))
    }

    /// Moves the right and bottom edges by (dw, dh), keeping at least `minimumSide` and inside the image.
    public static func resize(_ box: RegionBox, dw: Double, dh: Double) -> RegionBox {
        let x1 = min(1, max(box.x0 + minimumSide, box.x1 + dw))
        let y1 = min(1, max(box.y0 + minimumSide, box.y1 + dh))
        return tidy(RegionBox(x0: box.x0, y0: box.y0, x1: x1, y1: y1))
    }

    /// Rounds to thousandths (files and the list stay readable) and clamps to [0, 1] with x0 < x1, y0 < y1.
    public static func tidy(_ box: RegionBox) -> RegionBox {
        func round(_ value: Double) -> Double { min(1, max(0, (value * 1000).rounded() / 1000)) }
        var result = RegionBox(x0: round(box.x0), y0: round(box.y0), x1: round(box.x1), y1: round(box.y1))
        if result.x1 <= result.x0 { result.x0 = max(0, result.x1 - minimumSide); result.x1 = result.x0 + minimumSide }
        if result.y1 <= result.y0 { result.y0 = max(0, result.y1 - minimumSide); result.y1 = result.y0 + minimumSide }
        return result
    }
}
