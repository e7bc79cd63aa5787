import StudioCore

/// Boxes over an image on a canvas, in the theme's region colours; the selected one heavy.
enum CanvasView {
    static func draw(_ canvas: BoxCanvas, image: RGBImage?, geometry: CanvasGeometry, label: (Int) -> String,
                     into screen: inout ScreenBuffer, context: RenderContext) {
        let area = geometry.area
        if let image {
            screen.image(image, in: area, context: context)
        } else {
            for row in area.top..<area.bottom {
                for column in area.left..<area.right { screen[column, row] = ScreenCell("·", style: context.style(.border)) }
            }
        }
        for (index, box) in canvas.boxes.enumerated() {
            let cells = geometry.cells(of: box)
            let selected = index == canvas.selected
            let style = context.region(index + 1, attributes: selected ? .bold : [])
            if cells.width >= 2, cells.height >= 2 {
                screen.box(cells, title: "", focused: selected, context: context, heavy: selected, style: style)
            } else {
                screen.fill(cells, style: CellStyle(foreground: style.foreground, background: style.foreground))
            }
            screen.clipped(label(index), column: cells.left + 1, row: cells.top + (cells.height >= 2 ? 1 : 0),
                           width: max(1, cells.width - 2), style: style)
        }
    }
}

/// ^L: the canvas with the regions, and a side list of prompts and boxes.
enum LayoutEditorView {
    static func draw(_ state: AppState, layout: ScreenLayout, into screen: inout ScreenBuffer, context: RenderContext) {
        let editor = state.layout
        let canvasPane = layout.preview
        let count = editor.canvas.boxes.count
        screen.box(canvasPane, title: "Layout · base ratio \(String(format: "%.2f", editor.baseRatio)) · \(count) region\(count == 1 ? "" : "s")",
                   focused: true, context: context)
        let geometry = Reducer.canvasGeometry(state)
        let backdrop = state.shownImage?.image ?? state.session.preview
        CanvasView.draw(editor.canvas, image: backdrop, geometry: geometry, label: { "\($0 + 1)" }, into: &screen, context: context)
        let side = Rect(left: layout.queue.left, top: layout.queue.top, width: layout.queue.width,
                        height: layout.queue.height + layout.history.height)
        screen.box(side, title: "Regions" + (editor.filePath.map { " · " + TerminalText.line($0) } ?? ""), focused: false, context: context)
        let inner = side.inner
        var row = inner.top
        screen.write("base ", column: inner.left + 1, row: row, style: context.style(.accent))
        screen.clipped(editor.basePrompt.isEmpty ? "(b sets the base prompt)" : TerminalText.line(editor.basePrompt),
                       column: inner.left + 7, row: row, width: inner.width - 8,
                       style: context.style(editor.basePrompt.isEmpty ? .muted : .text))
        row += 1
        screen.write("back ", column: inner.left + 1, row: row, style: context.style(.accent))
        screen.clipped(editor.backgroundPrompt.isEmpty ? "(B sets a background prompt)" : TerminalText.line(editor.backgroundPrompt),
                       column: inner.left + 7, row: row, width: inner.width - 8,
                       style: context.style(editor.backgroundPrompt.isEmpty ? .muted : .text))
        row += 1
        for (index, box) in editor.canvas.boxes.enumerated() where row < inner.bottom - 3 {
            let selected = index == editor.canvas.selected
            let marker = selected ? "▸" : " "
            var column = screen.write("\(marker) \(index + 1)".padding(toLength: 5, withPad: " ", startingAt: 0), column: inner.left + 1,
                                      row: row, style: context.region(index + 1, attributes: selected ? .bold : []))
            let coordinates = box.description
            let promptWidth = inner.right - column - CharacterWidth.of(coordinates) - 2
            let prompt = editor.canvas.prompts[index]
            screen.clipped(prompt.isEmpty ? "(⏎ sets its prompt)" : TerminalText.line(prompt), column: column, row: row,
                           width: max(1, promptWidth), style: context.style(prompt.isEmpty ? .muted : .text))
            column = inner.right - CharacterWidth.of(coordinates) - 1
            screen.write(coordinates, column: column, row: row, style: context.style(.muted))
            row += 1
        }
        if editor.canvas.boxes.isEmpty {
            screen.clipped("n adds a region · or drag on the canvas", column: inner.left + 1, row: row, width: inner.width - 2,
                           style: context.style(.muted))
        }
        screen.clipped(LayoutEditorView.methodLine(editor), column: inner.left + 1, row: inner.bottom - 3, width: inner.width - 2,
                       style: context.style(.text))
        if editor.canvas.pendingDelete {
            screen.clipped("del again deletes region \((editor.canvas.selected ?? 0) + 1)", column: inner.left + 1,
                           row: inner.bottom - 2, width: inner.width - 2, style: context.style(.warning, attributes: .bold))
        }
        screen.clipped("arrows move · ⇧arrows resize · [ ] base ratio · q queues", column: inner.left + 1, row: inner.bottom - 1,
                       width: inner.width - 2, style: context.style(.muted))
    }
}

extension LayoutEditorView {
    /// `inject 8* · interval 2 · emphasis 6* · *model's · i v e =`: the method's settings, a star on
    /// those the model decides (the values fit the side list of an 80-column terminal; the legend
    /// and the keys after them may be cut there).
    static func methodLine(_ editor: LayoutEditorState) -> String {
        func text(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e6 ? String(Int(x)) : String(x) }
        func value(_ own: Int?, _ model: Int) -> String { own.map(String.init) ?? "\(model)*" }
        func value(_ own: Double?, _ model: Double) -> String { own.map(text) ?? "\(text(model))*" }
        let decided = editor.injectSteps == nil || editor.blockInterval == nil || editor.regionEmphasis == nil
        return "inject \(value(editor.injectSteps, editor.modelRegional.injectSteps)) · interval "
            + "\(value(editor.blockInterval, editor.modelRegional.blockInterval)) · emphasis "
            + "\(value(editor.regionEmphasis, editor.modelRegional.regionEmphasis))"
            + (decided ? " · *model's" : "") + " · i v e ="
    }
}

/// ^E: the source image with the mask boxes, the mode and its settings.
enum EditPanelView {
    static func draw(_ state: AppState, layout: ScreenLayout, into screen: inout ScreenBuffer, context: RenderContext) {
        let edit = state.edit
        let source = edit.source.map { $0.shortDescription } ?? "no source"
        screen.box(layout.preview, title: "Edit · \(edit.mode.rawValue) ← \(TerminalText.line(source))", focused: true, context: context)
        let geometry = Reducer.canvasGeometry(state)
        if edit.sourceImage != nil || !edit.canvas.boxes.isEmpty {
            CanvasView.draw(edit.canvas, image: edit.sourceImage, geometry: geometry, label: { "mask \($0 + 1)" },
                            into: &screen, context: context)
            if let mask = edit.mask, edit.mode == .inpaint {
                // The mask file's white area, by the box around it (dashed in spirit: the accent colour).
                let cells = geometry.cells(of: mask.bounds)
                let style = context.style(.accent, attributes: .bold)
                if cells.width >= 2, cells.height >= 2 {
                    screen.box(cells, title: "", focused: false, context: context, style: style)
                }
                screen.clipped("mask file", column: cells.left + 1, row: cells.top + (cells.height >= 2 ? 1 : 0),
                               width: max(1, cells.width - 2), style: style)
            }
        } else {
            PreviewView.centered("pick a finished image in the history, or ^O opens a PNG", in: layout.preview.inner, into: &screen,
                                 style: context.style(.muted))
        }
        let side = Rect(left: layout.queue.left, top: layout.queue.top, width: layout.queue.width,
                        height: layout.queue.height + layout.history.height)
        screen.box(side, title: "Edit", focused: false, context: context)
        let inner = side.inner
        var row = inner.top
        var column = screen.write("mode    ", column: inner.left + 1, row: row, style: context.style(.muted))
        for mode in EditMode.allCases {
            let text = mode == edit.mode ? "[\(mode.rawValue)]" : " \(mode.rawValue) "
            column = screen.write(text + " ", column: column, row: row, style: context.style(mode == edit.mode ? .accent : .text,
                                                                                          attributes: mode == edit.mode ? .bold : []))
        }
        row += 1
        let promptLabel = edit.mode == .inject ? "target  " : "prompt  "
        screen.write(promptLabel, column: inner.left + 1, row: row, style: context.style(.muted))
        screen.clipped(TerminalText.line(edit.prompt), column: inner.left + 9, row: row, width: inner.width - 10, style: context.style(.text))
        row += 1
        if edit.mode == .inject {
            screen.write("source  ", column: inner.left + 1, row: row, style: context.style(.muted))
            screen.clipped(TerminalText.line(edit.sourcePrompt), column: inner.left + 9, row: row, width: inner.width - 10, style: context.style(.text))
            row += 1
        } else {
            screen.write("strength \(String(format: "%.2f", edit.strength))  ([ ])", column: inner.left + 1, row: row, style: context.style(.text))
            row += 1
        }
        if edit.mode == .inpaint {
            screen.write("feather \(edit.feather) px  (f F)", column: inner.left + 1, row: row, style: context.style(.text))
            row += 1
            screen.write("mask    ", column: inner.left + 1, row: row, style: context.style(.muted))
            let maskText = edit.mask.map { TerminalText.line($0.path) + String(format: " · %.0f%%", $0.coverage * 100) }
                ?? "none (o opens a PNG)"
            screen.clipped(maskText, column: inner.left + 9, row: row, width: inner.width - 10,
                           style: context.style(edit.mask == nil ? .muted : .text))
            row += 1
            for (index, box) in edit.canvas.boxes.enumerated() where row < inner.bottom - 2 {
                let marker = index == edit.canvas.selected ? "▸" : " "
                screen.write("\(marker) box \(index + 1): \(box.description)", column: inner.left + 1, row: row,
                             style: context.region(index + 1))
                row += 1
            }
            if edit.canvas.boxes.isEmpty, edit.mask == nil {
                screen.write("n adds a mask box · or drag on the image", column: inner.left + 1, row: row, style: context.style(.muted))
            }
        }
        let p = state.settings.parameters
        screen.clipped("seed \(p.seed) · steps \(p.steps) · cfg \(String(format: "%.1f", p.guidance))", column: inner.left + 1,
                       row: inner.bottom - 2, width: inner.width - 2, style: context.style(.muted))
        let hint = edit.mode == .inpaint ? "m mode · ⏎ prompt · n box · o mask PNG · q queues"
            : "m mode · ⏎ prompt · s source prompt · q queues"
        screen.clipped(hint, column: inner.left + 1, row: inner.bottom - 1,
                       width: inner.width - 2, style: context.style(.muted))
    }
}
