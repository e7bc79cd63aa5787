import StudioCore

/// The whole screen for a state: pure (`state → screen buffer`). Each part is its own view.
public enum StudioView {
    public static func render(_ state: AppState, context: RenderContext) -> ScreenBuffer {
        var screen = ScreenBuffer(size: state.size)
        screen.fill(Rect(left: 0, top: 0, width: state.size.columns, height: state.size.rows), style: context.style(.text))
        if state.isTooSmall {
            TooSmallView.draw(state, into: &screen, context: context)
            return screen
        }
        let layout = ScreenLayout(size: state.size)
        HeaderView.draw(state, in: layout.header, into: &screen, context: context)
        switch state.screen {
        case .main:
            PreviewView.draw(state, in: layout.preview, into: &screen, context: context)
            QueueView.draw(state, in: layout.queue, into: &screen, context: context)
            HistoryView.draw(state, in: layout.history, into: &screen, context: context)
        case .layout:
            LayoutEditorView.draw(state, layout: layout, into: &screen, context: context)
        case .edit:
            EditPanelView.draw(state, layout: layout, into: &screen, context: context)
        }
        PromptView.draw(state, in: layout.prompt, into: &screen, context: context)
        StatusLineView.draw(state, in: layout.statusLine, into: &screen, context: context)
        KeyLineView.draw(state, in: layout.keyLine, into: &screen, context: context)
        switch state.overlay {
        case .help?: HelpView.draw(state, into: &screen, context: context)
        case .settings?: SettingsView.draw(state, into: &screen, context: context)
        case let .picker(kind)?: PickerView.draw(state, kind: kind, into: &screen, context: context)
        case .confirmQuit?: ConfirmQuitView.draw(state, into: &screen, context: context)
        case nil: break
        }
        return screen
    }
}

/// Shown below 60×20: what is wrong and what to do; the studio keeps running.
enum TooSmallView {
    static func draw(_ state: AppState, into screen: inout ScreenBuffer, context: RenderContext) {
        let lines = ["terminal too small",
                     "\(state.size.columns)×\(state.size.rows), needs \(AppState.minimumSize.columns)×\(AppState.minimumSize.rows)",
                     "enlarge the window · ^C quits"]
        let top = max(0, state.size.rows / 2 - 1)
        for (offset, line) in lines.enumerated() {
            let column = max(0, (state.size.columns - CharacterWidth.of(line)) / 2)
            screen.write(line, column: column, row: top + offset, style: context.style(offset == 0 ? .warning : .text, attributes: offset == 0 ? .bold : []))
        }
    }
}

/// The top line: model and session on the left, queue counts, speed, ETA and memory on the right.
enum HeaderView {
    static func draw(_ state: AppState, in rect: Rect, into screen: inout ScreenBuffer, context: RenderContext) {
        let session = state.session
        let left = " DiT Studio · \(TerminalText.line(session.modelName ?? "loading model…")) · session \(TerminalText.line(session.id))"
        let counts = session.queue.counts
        var right = ["queued \(session.queue.pending.count)", "running \(session.queue.running == nil ? 0 : 1)",
                     "done \(counts[.done] ?? 0)"]
        if session.queue.isPaused { right.insert("PAUSED", at: 0) }
        if let progress = session.progress, session.queue.running != nil {
            if let rate = progress.iterationsPerSecond { right.append(Format.rate(rate)) }
            if let remaining = progress.remainingSeconds { right.append("ETA " + Format.seconds(remaining)) }
        }
        if let memory = session.residentMegabytes { right.append("\(memory) MB") }
        let rightText = right.joined(separator: " · ") + " "
        screen.clipped(left, column: 0, row: rect.top, width: max(0, rect.width - CharacterWidth.of(rightText) - 1),
                       style: context.style(.accent, attributes: .bold))
        screen.write(rightText, column: max(0, rect.width - CharacterWidth.of(rightText)), row: rect.top,
                     style: context.style(session.queue.isPaused ? .warning : .muted))
    }
}

/// The preview: the running job's predicted clean image, refreshed every step, or the selected
/// history image with its parameters; two marked images side by side.
enum PreviewView {
    static func draw(_ state: AppState, in rect: Rect, into screen: inout ScreenBuffer, context: RenderContext) {
        let session = state.session
        let focused = false
        if state.focus == .history, state.marked.count == 2,
           let a = state.markedImages[state.marked[0]], let b = state.markedImages[state.marked[1]],
           let jobA = session.queue[state.marked[0]], let jobB = session.queue[state.marked[1]] {
            screen.box(rect, title: "Compare · #\(jobA.id.number) ↔ #\(jobB.id.number)", focused: focused, context: context)
            let inner = rect.inner
            let half = inner.width / 2
            let imageRows = max(1, inner.height - 3)
            screen.image(a, in: Rect(left: inner.left, top: inner.top, width: half - 1, height: imageRows), context: context)
            screen.image(b, in: Rect(left: inner.left + half, top: inner.top, width: inner.width - half, height: imageRows), context: context)
            let differences = CompareView.differences(jobA.parameters, jobB.parameters)
            for (index, job) in [jobA, jobB].enumerated() {
                let column = inner.left + index * half
                let text = differences.isEmpty ? "same parameters" : differences.map { $0(job.parameters) }.joined(separator: " · ")
                screen.clipped("#\(job.id.number) " + text, column: column, row: inner.bottom - 2, width: half - 1,
                               style: context.style(.warning))
                screen.clipped(TerminalText.line(job.parameters.prompt), column: column, row: inner.bottom - 1, width: half - 1,
                               style: context.style(.muted))
            }
            return
        }
        if !state.followsLive || session.queue.running == nil, let job = state.contactSheetJob {
            ContactSheetView.draw(state, job: job, in: rect, into: &screen, context: context)
            return
        }
        if !state.followsLive || session.queue.running == nil, let shown = state.shownImage, let job = session.queue[shown.job] {
            screen.box(rect, title: "#\(job.id.number) · \(job.kind.summary)", focused: focused, context: context)
            let inner = rect.inner
            screen.image(shown.image, in: Rect(left: inner.left, top: inner.top, width: inner.width, height: max(1, inner.height - 2)),
                         context: context)
            screen.clipped(Format.parameters(job.parameters), column: inner.left, row: inner.bottom - 2, width: inner.width,
                           style: context.style(.muted))
            screen.clipped(TerminalText.line(job.parameters.prompt), column: inner.left, row: inner.bottom - 1, width: inner.width,
                           style: context.style(.text))
            return
        }
        if let running = session.queue.runningJob {
            let step = session.progress.map { " step \($0.step)/\($0.total)" } ?? " starting…"
            let cancelling = running.cancelRequested ? " · cancelling…" : ""
            screen.box(rect, title: "Preview · #\(running.id.number)\(step)\(cancelling)", focused: focused, context: context)
            if let preview = session.preview {
                screen.image(preview, in: rect.inner, context: context)
            } else {
                centered("the image forms here, step by step", in: rect.inner, into: &screen, style: context.style(.muted))
            }
            return
        }
        screen.box(rect, title: "Preview", focused: focused, context: context)
        let hint = session.queue.history.isEmpty ? "type a prompt below and press ⏎" : "select an image in the history (⇥)"
        centered(hint, in: rect.inner, into: &screen, style: context.style(.muted))
    }

    static func centered(_ text: String, in rect: Rect, into screen: inout ScreenBuffer, style: CellStyle) {
        let column = rect.left + max(0, (rect.width - CharacterWidth.of(text)) / 2)
        screen.clipped(text, column: column, row: rect.top + rect.height / 2, width: rect.width, style: style)
    }
}

/// Which parameters differ between two jobs, each as a formatter.
enum CompareView {
    static func differences(_ a: GenerateParameters, _ b: GenerateParameters) -> [(GenerateParameters) -> String] {
        var result: [(GenerateParameters) -> String] = []
        if a.seed != b.seed { result.append { "seed \($0.seed)" } }
        if a.steps != b.steps { result.append { "\($0.steps) steps" } }
        if a.guidance != b.guidance { result.append { "cfg \(String(format: "%.1f", $0.guidance))" } }
        if a.shift != b.shift { result.append { "shift \(String(format: "%.2g", $0.shift))" } }
        if a.sampler != b.sampler { result.append { $0.sampler.rawValue } }
        if a.width != b.width || a.height != b.height { result.append { "\($0.width)×\($0.height)" } }
        if a.prompt != b.prompt { result.append { _ in "prompt differs" } }
        return result
    }
}

/// The queue: the running job with its progress bar and speed, then the queued ones.
enum QueueView {
    static func draw(_ state: AppState, in rect: Rect, into screen: inout ScreenBuffer, context: RenderContext) {
        let paused = state.session.queue.isPaused ? " · paused (p resumes)" : ""
        JobListFrame.draw(state.queueRows, title: "Queue\(paused)", placeholder: "empty",
                          focused: state.focus == .queue && state.screen == .main, selection: state.queueSelection,
                          in: rect, into: &screen, context: context) { item, screen in
            let (job, row, base, selected) = (item.job, item.line, item.base, item.selected)
            var column = item.left
            let number = "#\(job.id.number)"
            if job.state == .running {
                column = screen.write("▶ ", column: column, row: row, style: selected ? context.selected(.running) : context.style(.running))
                column = screen.write(number.padding(toLength: 5, withPad: " ", startingAt: 0), column: column, row: row, style: base)
                let progress = state.session.progress
                let barWidth = max(4, min(20, (item.right - item.left) / 4))
                screen.progressBar(fraction: progress?.fraction ?? 0, column: column, row: row, width: barWidth, context: context)
                column += barWidth + 1
                let steps = progress.map { "\($0.step)/\($0.total)" } ?? "0/\(job.parameters.steps)"
                column = screen.write(steps + " ", column: column, row: row, style: base)
                if job.cancelRequested {
                    column = screen.write("cancelling… ", column: column, row: row, style: context.style(.warning))
                } else if let rate = progress?.iterationsPerSecond {
                    column = screen.write(Format.rate(rate) + " ", column: column, row: row, style: context.style(.muted))
                }
            } else {
                column = screen.write("· ", column: column, row: row, style: context.style(.queued))
                column = screen.write(number.padding(toLength: 5, withPad: " ", startingAt: 0), column: column, row: row, style: base)
                column = screen.write("queued ", column: column, row: row, style: selected ? context.selected(.queued) : context.style(.queued))
            }
            screen.clipped(Format.kind(job), column: column, row: row, width: item.right - column, style: base)
        }
    }
}

/// Finished jobs, newest first: ✓ with seed and prompt, ✗ with why.
enum HistoryView {
    static func draw(_ state: AppState, in rect: Rect, into screen: inout ScreenBuffer, context: RenderContext) {
        let done = state.session.queue.counts[.done] ?? 0
        JobListFrame.draw(state.historyRows, title: "History · \(done) images", placeholder: "finished images appear here",
                          focused: state.focus == .history && state.screen == .main, selection: state.historySelection,
                          in: rect, into: &screen, context: context) { item, screen in
            let (job, row, base, selected) = (item.job, item.line, item.base, item.selected)
            let role = ThemeRole.state(job.state)
            let mark = job.state == .done ? "✓ " : "✗ "
            var column = screen.write(mark, column: item.left, row: row, style: selected ? context.selected(role) : context.style(role))
            column = screen.write(("#\(job.id.number)").padding(toLength: 5, withPad: " ", startingAt: 0), column: column, row: row, style: base)
            if state.marked.contains(job.id) { column = screen.write("◆ ", column: column, row: row, style: context.style(.accent)) }
            switch job.state {
            case .done:
                column = screen.write("seed \(job.parameters.seed)  ", column: column, row: row, style: selected ? context.selected(.muted) : context.style(.muted))
                screen.clipped(Format.kind(job), column: column, row: row, width: item.right - column, style: base)
            case .failed:
                screen.clipped("failed: " + TerminalText.line(job.error ?? ""), column: column, row: row, width: item.right - column,
                               style: selected ? context.selected(.failed) : context.style(.failed))
            default:
                screen.clipped("cancelled  " + Format.kind(job), column: column, row: row, width: item.right - column,
                               style: selected ? context.selected(.cancelled) : context.style(.cancelled))
            }
        }
    }
}

/// The prompt line: the editor's text with the caret, words the model does not know underlined.
enum PromptView {
    static func draw(_ state: AppState, in rect: Rect, into screen: inout ScreenBuffer, context: RenderContext) {
        let editingField = state.field != nil
        let focused = state.focus == .prompt && state.screen == .main && state.overlay == nil && !editingField
        let editor = editingField ? state.fieldEditor : state.prompt
        let title = editingField ? fieldTitle(state.field!) : "Prompt"
        screen.box(rect, title: title, focused: focused || editingField, context: context)
        let inner = rect.inner
        let marker = "› "
        screen.write(marker, column: inner.left, row: inner.top, style: context.style(.accent))
        let width = inner.width - 2
        let window = editor.window(width: width)
        let unknown = editingField ? Set<Int>() : unknownPositions(editor, unknown: state.unknownWords)
        var column = inner.left + 2
        var index = window.start
        while index < editor.characters.count, column < inner.right {
            let character = editor.characters[index]
            let style = unknown.contains(index) ? context.style(.warning, attributes: .underline) : context.style(.text)
            let shown = TerminalText.line(String(character))
            column = screen.write(shown, column: column, row: inner.top, style: style, limit: inner.right - column)
            index += 1
        }
        if editor.isEmpty, !editingField {
            screen.write("type a prompt, ⏎ queues it", column: inner.left + 2, row: inner.top, style: context.style(.muted))
        }
        if focused || editingField {
            screen.cursor = (inner.left + 2 + window.cursorColumn, inner.top)
        }
        if !unknown.isEmpty {
            let note = " unknown words underlined "
            screen.write(note, column: max(rect.left + 1, rect.right - CharacterWidth.of(note) - 1), row: rect.bottom - 1,
                         style: context.style(.warning))
        }
    }

    static func fieldTitle(_ field: FieldTarget) -> String {
        switch field {
        case let .regionPrompt(index): return "Region \(index + 1) prompt · ⏎ done · esc cancel"
        case .basePrompt: return "Base prompt · ⏎ done · esc cancel"
        case .backgroundPrompt: return "Background prompt (where no region is; empty: the base prompt) · ⏎ done · esc cancel"
        case .layoutSavePath: return "Save layout to (TOML file) · ⏎ save · esc cancel"
        case .layoutOpenPath: return "Open layout file · ⏎ open · esc cancel"
        case .editPrompt: return "Edit prompt · ⏎ done · esc cancel"
        case .editSourcePrompt: return "Source prompt (inject) · ⏎ done · esc cancel"
        case .editSourcePath: return "Source PNG file · ⏎ open · esc cancel"
        case .maskPath: return "Mask PNG (the source's size; white = redo; empty: none) · ⏎ open · esc cancel"
        case .negativePrompt: return "Negative prompt (what to steer away from; empty: none) · ⏎ done · esc cancel"
        }
    }

    /// Character positions of words the vocabulary lacks (lower-cased, as the tokenizer sees them).
    static func unknownPositions(_ editor: LineEditor, unknown: Set<String>) -> Set<Int> {
        guard !unknown.isEmpty else { return [] }
        var positions = Set<Int>()
        for range in editor.wordRanges {
            let word = String(editor.characters[range]).lowercased()
            if unknown.contains(word) { positions.formUnion(range) }
        }
        return positions
    }
}

/// The line above the key line: the latest message, else the settings the next job will use.
enum StatusLineView {
    static func draw(_ state: AppState, in rect: Rect, into screen: inout ScreenBuffer, context: RenderContext) {
        if let message = state.status {
            screen.clipped(" " + message.text, column: rect.left, row: rect.top, width: rect.width,
                           style: context.style(message.isError ? .error : .accent, attributes: message.isError ? .bold : []))
            return
        }
        if let stalled = state.session.stalledReason {
            screen.clipped(" " + TerminalText.line(stalled), column: rect.left, row: rect.top, width: rect.width, style: context.style(.error))
            return
        }
        screen.clipped(" " + state.settings.statusLine, column: rect.left, row: rect.top, width: rect.width, style: context.style(.muted))
    }
}

/// The most useful keys of what has focus, from the key table.
enum KeyLineView {
    static func draw(_ state: AppState, in rect: Rect, into screen: inout ScreenBuffer, context: RenderContext) {
        var column = rect.left + 1
        for entry in KeyMap.keyLine(for: state.keyContext) {
            let width = CharacterWidth.of(entry.keys) + 1 + CharacterWidth.of(entry.help) + 2
            guard column + width <= rect.right else { break }
            column = screen.write(entry.keys, column: column, row: rect.top, style: context.style(.accent, attributes: .bold))
            column = screen.write(" " + entry.help + "  ", column: column, row: rect.top, style: context.style(.muted))
        }
    }
}
