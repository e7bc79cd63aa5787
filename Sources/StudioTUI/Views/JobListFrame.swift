import StudioCore

/// What the queue and history lists share: a titled box, a placeholder while empty, and one row per
/// job, scrolled to keep the selection in view, the selected row highlighted when the list has focus.
enum JobListFrame {
    /// One visible row: where it is and how its text is styled; the view writes from `left` on.
    struct Row {
        let job: Job
        let line: Int
        let left: Int
        let right: Int
        let selected: Bool
        /// The row's text style (selected or not).
        let base: CellStyle
    }

    static func draw(_ jobs: [Job], title: String, placeholder: String, focused: Bool, selection: Int,
                     in rect: Rect, into screen: inout ScreenBuffer, context: RenderContext,
                     row drawRow: (Row, inout ScreenBuffer) -> Void) {
        screen.box(rect, title: title, focused: focused, context: context)
        let inner = Rect(left: rect.inner.left + 1, top: rect.inner.top, width: rect.inner.width - 1, height: rect.inner.height)
        guard !jobs.isEmpty else {
            screen.write(placeholder, column: inner.left, row: inner.top, style: context.style(.muted))
            return
        }
        let offset = HistoryScroll.offset(selection: selection, visible: inner.height)
        for (index, job) in jobs.enumerated().dropFirst(offset).prefix(inner.height) {
            let line = inner.top + index - offset
            let selected = focused && index == selection
            let base = selected ? context.selected(.text) : context.style(.text)
            if selected { screen.fill(Rect(left: inner.left, top: line, width: inner.width, height: 1), style: base) }
            drawRow(Row(job: job, line: line, left: inner.left, right: inner.right, selected: selected, base: base), &screen)
        }
    }
}
