import StudioCore

/// Boxes drawn over an image, one selected, with their prompts: the layout editor's regions and the
/// inpaint panel's mask boxes. Pure state with pure edits; geometry comes from `CanvasGeometry`.
public struct BoxCanvas: Equatable, Sendable {
    public var boxes: [RegionBox] = []
    /// One prompt per box (the inpaint panel leaves them empty).
    public var prompts: [String] = []
    public var selected: Int?
    /// The delete key was pressed once; a second press deletes.
    public var pendingDelete = false
    /// A mouse drag in progress: drawing a new box from a cell, or moving one by an offset.
    public var drag: Drag?

    public enum Drag: Equatable, Sendable {
        case draw(column: Int, row: Int)
        case move(index: Int, column: Int, row: Int, original: RegionBox)
    }

    public init(boxes: [RegionBox] = [], prompts: [String] = []) {
        self.boxes = boxes
        self.prompts = prompts + Array(repeating: "", count: max(0, boxes.count - prompts.count))
        selected = boxes.isEmpty ? nil : 0
    }

    public mutating func add(_ box: RegionBox, prompt: String = "") {
        boxes.append(BoxMath.tidy(box))
        prompts.append(prompt)
        selected = boxes.count - 1
        pendingDelete = false
    }

    /// A new box in the middle, offset a little from the previous one so they do not hide each other.
    public mutating func addDefault() {
        let offset = Double(boxes.count % 5) * 0.08
        add(RegionBox(x0: 0.1 + offset, y0: 0.1 + offset, x1: 0.5 + offset, y1: 0.5 + offset))
    }

    public mutating func selectNext() {
        guard !boxes.isEmpty else { return }
        selected = ((selected ?? -1) + 1) % boxes.count
        pendingDelete = false
    }

    /// The first press arms, the second deletes; returns whether a box was deleted.
    @discardableResult
    public mutating func deleteSelected() -> Bool {
        guard let index = selected, boxes.indices.contains(index) else { return false }
        guard pendingDelete else { pendingDelete = true; return false }
        boxes.remove(at: index)
        prompts.remove(at: index)
        selected = boxes.isEmpty ? nil : min(index, boxes.count - 1)
        pendingDelete = false
        return true
    }

    public mutating func moveSelected(dx: Double, dy: Double) {
        guard let index = selected, boxes.indices.contains(index) else { return }
        boxes[index] = BoxMath.move(boxes[index], dx: dx, dy: dy)
        pendingDelete = false
    }

    public mutating func resizeSelected(dw: Double, dh: Double) {
        guard let index = selected, boxes.indices.contains(index) else { return }
        boxes[index] = BoxMath.resize(boxes[index], dw: dw, dh: dh)
        pendingDelete = false
    }

    /// Mouse: pressing on a box selects it and starts moving it; pressing elsewhere starts drawing
    /// a new one; dragging moves or draws; releasing ends it.
    public mutating func handle(_ mouse: MouseEvent, geometry: CanvasGeometry) {
        let column = mouse.column, row = mouse.row
        switch mouse.action {
        case .press:
            guard geometry.area.contains(column: column, row: row) else { return }
            if let index = geometry.box(at: column, row: row, in: boxes) {
                selected = index
                drag = .move(index: index, column: column, row: row, original: boxes[index])
            } else {
                drag = .draw(column: column, row: row)
            }
            pendingDelete = false
        case .drag, .release:
            switch drag {
            case let .draw(startColumn, startRow)?:
                let box = geometry.box(from: (startColumn, startRow), to: (column, row))
                if isDrawingNew, let index = selected, boxes.indices.contains(index) {
                    boxes[index] = box
                } else if column != startColumn || row != startRow {
                    add(box)
                    isDrawingNew = true
                }
            case let .move(index, startColumn, startRow, original)?:
                guard boxes.indices.contains(index) else { break }
                boxes[index] = BoxMath.move(original, dx: Double(column - startColumn) * geometry.columnStep,
                                            dy: Double(row - startRow) * geometry.rowStep)
            case nil:
                break
            }
            if mouse.action == .release { drag = nil; isDrawingNew = false }
        case .scrollUp, .scrollDown:
            break
        }
    }

    /// Whether the current draw drag has already created its box (later drags reshape it).
    public var isDrawingNew = false
}
