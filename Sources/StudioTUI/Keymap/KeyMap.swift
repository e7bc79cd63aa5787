/// Where a binding applies: everywhere, or in one pane or panel.
public enum KeyContext: String, Hashable, Sendable, CaseIterable {
    case global, prompt, queue, history, settings, layout, edit, picker

    public var title: String {
        switch self {
        case .global: return "Everywhere"
        case .prompt: return "Prompt line"
        case .queue: return "Queue"
        case .history: return "History"
        case .settings: return "Settings (^S)"
        case .layout: return "Layout editor (^L)"
        case .edit: return "Edit panel (^E)"
        case .picker: return "Lists (presets, themes, sessions)"
        }
    }
}

/// One row of the key table: a key (or several doing the same), where, what it does, and whether
/// it shows in the bottom key line of that context.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var context: KeyContext
    public var action: KeyAction
    public var help: String
    public var inKeyLine: Bool

    public init(_ keys: [Key], _ context: KeyContext, _ action: KeyAction, _ help: String, keyLine: Bool = false) {
        self.keys = keys
        self.context = context
        self.action = action
        self.help = help
        self.inKeyLine = keyLine
    }

    /// `^L`, or `↑/k` for several keys.
    public var keyLabel: String { keys.map(\.label).joined(separator: "/") }
}

/// The one table of key bindings. The reducer looks actions up here, and the help overlay, the key
/// line and the README's key table are generated from it, so they cannot disagree.
public enum KeyMap {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.enter], .prompt, .queuePrompt, "queue the prompt (a batch with the settings' count)", keyLine: true),
        KeyBinding([.tab], .global, .nextFocus, "next pane (prompt → queue → history)", keyLine: true),
        KeyBinding([.backTab], .global, .previousFocus, "previous pane"),
        KeyBinding([.ctrl("l")], .global, .layoutEditor, "layout editor: regions with their own prompts", keyLine: true),
        KeyBinding([.ctrl("e")], .global, .editPanel, "edit panel: img2img, inpaint, inject, variation", keyLine: true),
        KeyBinding([.ctrl("p")], .global, .presets, "pick a preset", keyLine: true),
        KeyBinding([.ctrl("s")], .global, .settings, "settings: steps, guidance, shift, sampler, seed, size", keyLine: true),
        KeyBinding([.ctrl("t")], .global, .themes, "pick a theme (applies at once)"),
        KeyBinding([.ctrl("o")], .global, .sessions, "open another session, or a new one"),
        KeyBinding([.ctrl("x")], .global, .cancelRunning, "cancel the running job", keyLine: true),
        KeyBinding([.function(1), .character("?")], .global, .help, "this help", keyLine: true),
        KeyBinding([.ctrl("c"), .ctrl("q")], .global, .quit, "quit (asks while jobs are queued or running)", keyLine: true),
        KeyBinding([.up, .character("k")], .queue, .selectPrevious, "select the job above"),
        KeyBinding([.down, .character("j")], .queue, .selectNext, "select the job below"),
        KeyBinding([.character("c"), .delete], .queue, .cancelSelected, "cancel the selected job", keyLine: true),
        KeyBinding([.shiftUp, .character("K")], .queue, .moveUp, "move the selected job up", keyLine: true),
        KeyBinding([.shiftDown, .character("J")], .queue, .moveDown, "move the selected job down"),
        KeyBinding([.character("p")], .queue, .pauseResume, "pause / resume the queue", keyLine: true),
        KeyBinding([.escape, .character("i")], .queue, .focusPrompt, "back to the prompt"),
        KeyBinding([.up, .character("k")], .history, .selectPrevious, "select the newer image"),
        KeyBinding([.down, .character("j")], .history, .selectNext, "select the older image"),
        KeyBinding([.character("r")], .history, .rerun, "run the selected job again (same seed)", keyLine: true),
        KeyBinding([.character("b")], .history, .batch, "run it over the next 4 seeds", keyLine: true),
        KeyBinding([.character("u"), .enter], .history, .useSettings, "use its prompt and settings", keyLine: true),
        KeyBinding([.left, .character("h")], .history, .batchPrevious, "previous image of its batch (contact sheet)"),
        KeyBinding([.right, .character("l")], .history, .batchNext, "next image of its batch (contact sheet)", keyLine: true),
        KeyBinding([.character("g")], .history, .toggleContactSheet, "a batch as a contact sheet, or one image at a time"),
        KeyBinding([.character("m"), .character(" ")], .history, .mark, "mark for side-by-side compare (two)", keyLine: true),
        KeyBinding([.escape, .character("i")], .history, .focusPrompt, "back to the prompt"),
        KeyBinding([.up, .character("k")], .settings, .selectPrevious, "previous setting"),
        KeyBinding([.down, .character("j")], .settings, .selectNext, "next setting"),
        KeyBinding([.right, .character("+"), .character("l")], .settings, .increase, "increase / next choice", keyLine: true),
        KeyBinding([.left, .character("-"), .character("h")], .settings, .decrease, "decrease / previous choice", keyLine: true),
        KeyBinding([.enter], .settings, .editSetting, "edit the negative prompt (on its row); on the others, close", keyLine: true),
        KeyBinding([.escape, .ctrl("s")], .settings, .back, "close", keyLine: true),
        KeyBinding([.character("n")], .layout, .newBox, "new region", keyLine: true),
        KeyBinding([.tab], .layout, .nextBox, "next region"),
        KeyBinding([.left], .layout, .moveBoxLeft, "move the region left"),
        KeyBinding([.right], .layout, .moveBoxRight, "move the region right"),
        KeyBinding([.up], .layout, .moveBoxUp, "move the region up"),
        KeyBinding([.down], .layout, .moveBoxDown, "move the region down"),
        KeyBinding([.shiftRight], .layout, .growWidth, "wider"),
        KeyBinding([.shiftLeft], .layout, .shrinkWidth, "narrower"),
        KeyBinding([.shiftDown], .layout, .growHeight, "taller"),
        KeyBinding([.shiftUp], .layout, .shrinkHeight, "shorter"),
        KeyBinding([.enter], .layout, .editBoxPrompt, "edit the region's prompt", keyLine: true),
        KeyBinding([.character("b")], .layout, .editBasePrompt, "edit the base prompt"),
        KeyBinding([.character("]")], .layout, .baseRatioUp, "base ratio +0.05"),
        KeyBinding([.character("[")], .layout, .baseRatioDown, "base ratio −0.05"),
        KeyBinding([.character("B")], .layout, .editBackgroundPrompt, "edit the background prompt (where no region is)"),
        KeyBinding([.character("i")], .layout, .injectStepsUp, "regional steps +1 (inject steps)"),
        KeyBinding([.character("I")], .layout, .injectStepsDown, "regional steps −1"),
        KeyBinding([.character("v")], .layout, .blockIntervalUp, "block interval +1 (regional attention every n-th block)"),
        KeyBinding([.character("V")], .layout, .blockIntervalDown, "block interval −1"),
        KeyBinding([.character("e")], .layout, .emphasisUp, "region emphasis +1 (how much more a region's text counts)"),
        KeyBinding([.character("E")], .layout, .emphasisDown, "region emphasis −1"),
        KeyBinding([.character("=")], .layout, .regionalSettingsReset, "inject steps, block interval and emphasis back to the model's"),
        KeyBinding([.delete, .character("d")], .layout, .deleteBox, "delete the region (twice to confirm)", keyLine: true),
        KeyBinding([.ctrl("w")], .layout, .saveLayout, "save the layout to a file", keyLine: true),
        KeyBinding([.ctrl("o")], .layout, .openLayout, "open a layout file", keyLine: true),
        KeyBinding([.character("q")], .layout, .queueCanvas, "queue the layout", keyLine: true),
        KeyBinding([.escape], .layout, .back, "back", keyLine: true),
        KeyBinding([.character("m")], .edit, .nextEditMode, "next mode", keyLine: true),
        KeyBinding([.character("M")], .edit, .previousEditMode, "previous mode"),
        KeyBinding([.character("n")], .edit, .newBox, "new mask box (inpaint)", keyLine: true),
        KeyBinding([.tab], .edit, .nextBox, "next mask box"),
        KeyBinding([.left], .edit, .moveBoxLeft, "move the box left"),
        KeyBinding([.right], .edit, .moveBoxRight, "move the box right"),
        KeyBinding([.up], .edit, .moveBoxUp, "move the box up"),
        KeyBinding([.down], .edit, .moveBoxDown, "move the box down"),
        KeyBinding([.shiftRight], .edit, .growWidth, "wider"),
        KeyBinding([.shiftLeft], .edit, .shrinkWidth, "narrower"),
        KeyBinding([.shiftDown], .edit, .growHeight, "taller"),
        KeyBinding([.shiftUp], .edit, .shrinkHeight, "shorter"),
        KeyBinding([.delete, .character("d")], .edit, .deleteBox, "delete the box (twice to confirm)"),
        KeyBinding([.character("]")], .edit, .strengthUp, "strength +0.05"),
        KeyBinding([.character("[")], .edit, .strengthDown, "strength −0.05"),
        KeyBinding([.enter], .edit, .editBoxPrompt, "edit the prompt (target prompt for inject)", keyLine: true),
        KeyBinding([.character("s")], .edit, .editSourcePrompt, "edit the source prompt (inject)"),
        KeyBinding([.ctrl("o")], .edit, .openSourceFile, "open a PNG file as the source"),
        KeyBinding([.character("o")], .edit, .openMaskFile, "inpaint mask: a PNG of the source's size, white = redo (empty path: none)"),
        KeyBinding([.character("f")], .edit, .featherUp, "inpaint feather +1 pixel"),
        KeyBinding([.character("F")], .edit, .featherDown, "inpaint feather −1 pixel"),
        KeyBinding([.character("q")], .edit, .queueCanvas, "queue the edit", keyLine: true),
        KeyBinding([.escape], .edit, .back, "back", keyLine: true),
        KeyBinding([.up, .character("k")], .picker, .selectPrevious, "previous"),
        KeyBinding([.down, .character("j")], .picker, .selectNext, "next"),
        KeyBinding([.enter], .picker, .useSettings, "choose", keyLine: true),
        KeyBinding([.character("d"), .delete], .picker, .deleteItem, "delete the selected session (twice to confirm; not the open one)",
                   keyLine: true),
        KeyBinding([.escape], .picker, .back, "close", keyLine: true),
    ]

    /// The action of `key` in `context`, else in the global context (when `allowGlobal`).
    public static func action(for key: Key, in context: KeyContext, allowGlobal: Bool = true) -> KeyAction? {
        if let binding = bindings.first(where: { $0.context == context && $0.keys.contains(key) }) { return binding.action }
        guard allowGlobal, context != .global else { return nil }
        return bindings.first(where: { $0.context == .global && $0.keys.contains(key) })?.action
    }

    /// The key line of a context: its own key-line bindings, then the global ones.
    public static func keyLine(for context: KeyContext) -> [(keys: String, help: String)] {
        let own = bindings.filter { $0.context == context && $0.inKeyLine }
        let global = (context == .layout || context == .edit || context == .settings || context == .picker) ? []
            : bindings.filter { $0.context == .global && $0.inKeyLine }
        return (own + global).map { ($0.keyLabel, shortHelp($0.action)) }
    }

    /// One or two words for the key line.
    static func shortHelp(_ action: KeyAction) -> String {
        switch action {
        case .queuePrompt: return "queue"
        case .nextFocus: return "focus"
        case .layoutEditor: return "layout"
        case .editPanel: return "edit"
        case .presets: return "presets"
        case .settings: return "settings"
        case .cancelRunning: return "cancel"
        case .help: return "help"
        case .quit: return "quit"
        case .cancelSelected: return "cancel"
        case .moveUp: return "move"
        case .pauseResume: return "pause"
        case .rerun: return "re-run"
        case .batch: return "batch ×4"
        case .useSettings: return "use"
        case .mark: return "compare"
        case .batchNext: return "batch step"
        case .increase: return "more"
        case .decrease: return "less"
        case .back: return "back"
        case .editSetting: return "edit text"
        case .newBox: return "new"
        case .editBoxPrompt: return "prompt"
        case .deleteBox, .deleteItem: return "delete"
        case .saveLayout: return "save"
        case .openLayout: return "open"
        case .queueCanvas: return "queue"
        case .nextEditMode: return "mode"
        default: return "\(action)"
        }
    }

    /// The key table as Markdown (for the README).
    public static var markdownTable: String {
        var lines = ["| Where | Keys | Does |", "|---|---|---|"]
        for binding in bindings {
            let keys = binding.keyLabel.replacingOccurrences(of: "|", with: "\\|")
            lines.append("| \(binding.context.title) | `\(keys)` | \(binding.help) |")
        }
        return lines.joined(separator: "\n")
    }
}
