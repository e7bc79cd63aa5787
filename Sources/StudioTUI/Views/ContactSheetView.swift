import StudioCore

/// A batch in the preview pane: every image of it as a thumbnail with its seed underneath, the
/// selected one marked, so that a batch over seeds can be compared at a glance.
enum ContactSheetView {
    static func draw(_ state: AppState, job: Job, in rect: Rect, into screen: inout ScreenBuffer, context: RenderContext) {
        let batch = state.batchJobs(of: job)
        let done = batch.filter { $0.state == .done }.count
        let first = batch.first?.id.number ?? job.id.number, last = batch.last?.id.number ?? job.id.number
        screen.box(rect, title: "Batch · #\(first)–#\(last) · \(done)/\(batch.count) done · ←/→ step · g one image",
                   focused: false, context: context)
        let inner = rect.inner
        let grid = ContactSheetGrid(count: batch.count, width: inner.width, height: inner.height,
                                    imageWidth: job.parameters.width, imageHeight: job.parameters.height)
        for (index, member) in batch.enumerated() {
            let cell = grid.cell(index, in: inner)
            guard cell.width > 0, cell.height > 1 else { continue }
            let picture = Rect(left: cell.left, top: cell.top, width: cell.width, height: cell.height - 1)
            if let image = state.sheetImages[member.id] ?? (state.shownImage?.job == member.id ? state.shownImage?.image : nil) {
                screen.image(image, in: picture, context: context)
            } else {
                let note: String
                switch member.state {
                case .done: note = "…"
                case .failed: note = "✗ failed"
                case .cancelled: note = "✗ cancelled"
                case .running: note = "▶ running"
                case .queued: note = "· queued"
                }
                PreviewView.centered(note, in: picture, into: &screen, style: context.style(.muted))
            }
            let selected = member.id == job.id
            let label = (selected ? "▸ " : "") + "#\(member.id.number) seed \(member.parameters.seed)"
            let column = cell.left + max(0, (cell.width - CharacterWidth.of(label)) / 2)
            screen.clipped(label, column: column, row: cell.bottom - 1, width: cell.right - column,
                           style: selected ? context.style(.accent, attributes: .bold) : context.style(.muted))
        }
    }
}

/// How a contact sheet divides its pane: the number of columns that gives the thumbnails the
/// largest size (a cell shows two pixel rows, and each thumbnail keeps a row for its label).
struct ContactSheetGrid: Equatable {
    let columns: Int
    let rows: Int

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    init(count: Int, width: Int, height: Int, imageWidth: Int, imageHeight: Int) {
        let count = max(1, count)
        var best = (columns: 1, rows: count, scale: -1.0)
        for columns in 1...count {
            let rows = (count + columns - 1) / columns
            let cellWidth = width / columns, cellHeight = height / rows - 1
            guard cellWidth > 0, cellHeight > 0 else { continue }
            let scale = min(Double(cellWidth) / Double(max(1, imageWidth)), Double(2 * cellHeight) / Double(max(1, imageHeight)))
            if scale > best.scale { best = (columns, rows, scale) }
        }
        columns = best.columns
        rows = best.rows
    }

    /// The cells of thumbnail `index` (row-major) within `area`, its label row included.
    func cell(_ index: Int, in area: Rect) -> Rect {
        let width = area.width / columns, height = area.height / rows
        return Rect(left: area.left + (index % columns) * width, top: area.top + (index / columns) * height,
                    width: width, height: height)
    }
}
