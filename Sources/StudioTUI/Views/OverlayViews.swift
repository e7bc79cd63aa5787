import StudioCore

/// A centred window over the screen.
enum OverlayFrame {
    static func rect(width: Int, height: Int, in size: TerminalSize) -> Rect {
        let w = min(width, size.columns - 2), h = min(height, size.rows - 2)
        return Rect(left: (size.columns - w) / 2, top: (size.rows - h) / 2, width: w, height: h)
    }

    static func open(_ rect: Rect, title: String, into screen: inout ScreenBuffer, context: RenderContext) {
        screen.fill(rect, style: context.style(.text))
        screen.box(rect, title: title, focused: true, context: context)
    }
}

/// `?`: every binding of the key table, grouped by where it applies.
enum HelpView {
    static func draw(_ state: AppState, into screen: inout ScreenBuffer, context: RenderContext) {
        let rect = OverlayFrame.rect(width: state.size.columns - 4, height: state.size.rows - 2, in: state.size)
        OverlayFrame.open(rect, title: "Keys · any key closes", into: &screen, context: context)
        let inner = rect.inner
        var lines: [(String, String, Bool)] = []
        for group in KeyContext.allCases {
            let bindings = KeyMap.bindings.filter { $0.context == group }
            guard !bindings.isEmpty else { continue }
            lines.append((group.title, "", true))
            for binding in bindings { lines.append((binding.keyLabel, binding.help, false)) }
        }
        // As many columns as the list needs (at most three; the README has the whole table).
        let columns = max(1, min(3, (lines.count + max(1, inner.height) - 1) / max(1, inner.height)))
        let columnWidth = inner.width / columns
        for (index, line) in lines.enumerated() {
            let columnIndex = index / max(1, inner.height)
            guard columnIndex < columns else { break }
            let row = inner.top + index % max(1, inner.height)
            let left = inner.left + 1 + columnIndex * columnWidth
            if line.2 {
                screen.clipped(line.0, column: left, row: row, width: columnWidth - 2, style: context.style(.accent, attributes: .bold))
            } else {
                screen.clipped(line.0, column: left + 1, row: row, width: 10, style: context.style(.accent))
                screen.clipped(line.1, column: left + 12, row: row, width: columnWidth - 14, style: context.style(.text))
            }
        }
    }
}

/// ^S: the next job's settings, one per row, ←/→ to change.
enum SettingsView {
    static func draw(_ state: AppState, into screen: inout ScreenBuffer, context: RenderContext) {
        let fields = SettingField.allCases
        let rect = OverlayFrame.rect(width: 50, height: fields.count + 4, in: state.size)
        OverlayFrame.open(rect, title: "Settings · ←/→ change · esc close", into: &screen, context: context)
        let inner = rect.inner
        for (index, field) in fields.enumerated() {
            let row = inner.top + index
            let selected = field == state.settingField
            let style = selected ? context.selected(.text) : context.style(.text)
            if selected { screen.fill(Rect(left: inner.left, top: row, width: inner.width, height: 1), style: style) }
            screen.write(field.rawValue, column: inner.left + 1, row: row, style: selected ? context.selected(.accent) : context.style(.muted))
            screen.clipped(value(field, state.settings), column: inner.left + 15, row: row, width: inner.width - 16, style: style)
        }
        screen.clipped("preset \(state.settings.presetName ?? "none") · theme \(state.themeName)", column: inner.left + 1,
                       row: inner.bottom - 1, width: inner.width - 2, style: context.style(.muted))
    }

    static func value(_ field: SettingField, _ settings: StudioSettings) -> String {
        let p = settings.parameters
        switch field {
        case .steps: return "\(p.steps)"
        case .guidance: return String(format: "%.1f", p.guidance)
        case .shift: return String(format: "%.2f", p.shift)
        case .sampler: return p.sampler.displayName
        case .seed: return "\(p.seed)"
        case .seedPolicy: return settings.seedPolicy.rawValue
        case .size: return "\(p.width)×\(p.height)"
        case .count: return settings.count == 1 ? "1 image" : "\(settings.count) images over seeds"
        case .caching: return p.caching.summary
        case .previews: return settings.previews.displayName
        case .negativePrompt: return p.negativePrompt.isEmpty ? "none (⏎ edits)" : TerminalText.line(p.negativePrompt)
        }
    }
}

/// ^P / ^T / ^O: a list to choose from.
enum PickerView {
    static func draw(_ state: AppState, kind: PickerKind, into screen: inout ScreenBuffer, context: RenderContext) {
        let rect = OverlayFrame.rect(width: 60, height: min(state.size.rows - 4, max(6, state.pickerItems.count + 4)), in: state.size)
        let delete = kind == .sessions ? " · d delete" : ""
        OverlayFrame.open(rect, title: "\(kind.rawValue.capitalized) · ⏎ choose\(delete) · esc close", into: &screen, context: context)
        let inner = rect.inner
        if state.pickerItems.isEmpty {
            screen.write("nothing to choose from", column: inner.left + 1, row: inner.top, style: context.style(.muted))
            return
        }
        let offset = HistoryScroll.offset(selection: state.pickerSelection, visible: inner.height)
        for (index, item) in state.pickerItems.enumerated().dropFirst(offset).prefix(inner.height) {
            let row = inner.top + index - offset
            let selected = index == state.pickerSelection
            let style = selected ? context.selected(.text) : context.style(.text)
            if selected { screen.fill(Rect(left: inner.left, top: row, width: inner.width, height: 1), style: style) }
            var text = TerminalText.line(item)
            if kind == .sessions, item == state.session.id { text += "  · open" }
            screen.clipped(text, column: inner.left + 1, row: row, width: inner.width - 2, style: style)
            if kind == .sessions, item == state.pendingSessionDeletion {
                let warning = " d again deletes it "
                screen.write(warning, column: max(inner.left + 1, inner.right - CharacterWidth.of(warning) - 1), row: row,
                             style: context.style(.warning, attributes: .bold))
            }
        }
    }
}

/// Quit while jobs wait: they stay queued in the session either way.
enum ConfirmQuitView {
    static func draw(_ state: AppState, into screen: inout ScreenBuffer, context: RenderContext) {
        let rect = OverlayFrame.rect(width: 58, height: 5, in: state.size)
        OverlayFrame.open(rect, title: "Quit?", into: &screen, context: context)
        let count = state.unfinishedJobCount
        screen.clipped("\(count) job\(count == 1 ? " is" : "s are") queued or running; they stay queued", column: rect.left + 2,
                       row: rect.top + 1, width: rect.width - 4, style: context.style(.text))
        screen.clipped("and run when the session is opened again.  y quit · n stay", column: rect.left + 2, row: rect.top + 2,
                       width: rect.width - 4, style: context.style(.accent, attributes: .bold))
    }
}
