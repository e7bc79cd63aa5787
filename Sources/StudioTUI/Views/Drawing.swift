import StudioCore

/// Small drawing helpers the views share: boxes with titles, clipped text, progress bars.
extension ScreenBuffer {
    /// A box border with a title in the top edge; `focused` boxes get the accent colour.
    mutating func box(_ rect: Rect, title: String, focused: Bool, context: RenderContext, heavy: Bool = false,
                      style: CellStyle? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let border = style ?? context.style(focused ? .borderFocused : .border, attributes: focused ? .bold : [])
        let (h, v, tl, tr, bl, br) = heavy ? ("━", "┃", "┏", "┓", "┗", "┛") : ("─", "│", "┌", "┐", "└", "┘")
        for column in rect.left + 1..<rect.right - 1 {
            self[column, rect.top] = ScreenCell(h, style: border)
            self[column, rect.bottom - 1] = ScreenCell(h, style: border)
        }
        for row in rect.top + 1..<rect.bottom - 1 {
            self[rect.left, row] = ScreenCell(v, style: border)
            self[rect.right - 1, row] = ScreenCell(v, style: border)
        }
        self[rect.left, rect.top] = ScreenCell(tl, style: border)
        self[rect.right - 1, rect.top] = ScreenCell(tr, style: border)
        self[rect.left, rect.bottom - 1] = ScreenCell(bl, style: border)
        self[rect.right - 1, rect.bottom - 1] = ScreenCell(br, style: border)
        if !title.isEmpty, rect.width > 4 {
            let titleStyle = focused ? context.style(.accent, attributes: .bold) : context.style(.text)
            write(" " + title + " ", column: rect.left + 1, row: rect.top, style: titleStyle, limit: rect.width - 2)
        }
    }

    /// Text cut to `width` columns with "…" when it does not fit.
    @discardableResult
    mutating func clipped(_ text: String, column: Int, row: Int, width: Int, style: CellStyle) -> Int {
        guard width > 0 else { return column }
        if CharacterWidth.of(text) <= width { return write(text, column: column, row: row, style: style, limit: width) }
        var shown = ""
        var used = 0
        for character in text {
            let w = CharacterWidth.of(character)
            if used + w > width - 1 { break }
            shown.append(character)
            used += w
        }
        return write(shown + "…", column: column, row: row, style: style, limit: width)
    }

    /// A bar of `width` cells filled to `fraction`.
    mutating func progressBar(fraction: Double, column: Int, row: Int, width: Int, context: RenderContext) {
        let filled = Int((min(1, max(0, fraction)) * Double(width)).rounded())
        for index in 0..<width {
            self[column + index, row] = index < filled ? ScreenCell("█", style: context.style(.progress))
                : ScreenCell("░", style: context.style(.progressTrack))
        }
    }

    /// Draws a half-block rendering of `image` centred in `rect`.
    mutating func image(_ image: RGBImage, in rect: Rect, context: RenderContext) {
        guard rect.width > 0, rect.height > 0 else { return }
        let grid = HalfBlockRenderer.render(image, columns: rect.width, rows: rect.height, mode: context.colorMode)
        let left = rect.left + (rect.width - grid.columns) / 2
        let top = rect.top + (rect.height - grid.rows) / 2
        for row in 0..<grid.rows {
            for column in 0..<grid.columns {
                let cell = grid[column, row]
                self[left + column, top + row] = ScreenCell(String(cell.glyph),
                                                            style: CellStyle(foreground: cell.foreground, background: cell.background))
            }
        }
    }
}

/// Short texts views share.
enum Format {
    static func seconds(_ value: Double) -> String {
        if value < 60 { return String(format: "%.1fs", value) }
        return "\(Int(value) / 60)m\(Int(value) % 60)s"
    }

    static func rate(_ value: Double) -> String {
        value >= 10 ? String(format: "%.0f it/s", value) : String(format: "%.1f it/s", value)
    }

    /// A job's kind in a few words, with the prompt for text-to-image.
    static func kind(_ job: Job) -> String {
        switch job.kind {
        case .generate: return TerminalText.line(job.parameters.prompt)
        default: return job.kind.summary + " · " + TerminalText.line(job.parameters.prompt)
        }
    }

    static func parameters(_ p: GenerateParameters) -> String {
        "seed \(p.seed) · \(p.steps) steps · cfg \(String(format: "%.1f", p.guidance)) · shift \(String(format: "%.2g", p.shift)) · \(p.sampler.rawValue) · \(p.width)×\(p.height)"
    }
}
