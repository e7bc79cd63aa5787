import StudioCore

/// The studio's logic: `state + event → state + effects`. Pure: no terminal, no session, no files;
/// the runtime performs the effects and feeds their outcomes back as events.
public enum Reducer {
    public static func reduce(_ state: inout AppState, _ event: AppEvent) -> [Effect] {
        switch event {
        case let .input(input):
            return handle(input, &state)
        case let .resized(size):
            state.size = size
            return []
        case let .session(snapshot, problems):
            return take(snapshot, problems: problems, &state)
        case let .imageLoaded(job, image):
            if state.wantedImage == job { state.shownImage = ShownImage(job: job, image: image); state.wantedImage = nil }
            if state.edit.source?.jobID == job { state.edit.sourceImage = image }
            if state.marked.contains(job) { state.markedImages[job] = image }
            if let loaded = state.session.queue[job], let batch = loaded.batch, batch.count > 1 {
                // Thumbnails of one batch at a time: the one this image belongs to.
                let siblings = Set(state.batchJobs(of: loaded).map(\.id))
                state.sheetImages = state.sheetImages.filter { siblings.contains($0.key) }
                state.sheetImages[job] = image
            }
            return []
        case let .sourceLoaded(reference, image, prompt):
            state.edit.source = reference
            state.edit.sourceImage = image
            state.edit.mask = nil  // a mask fits one source's size
            if let prompt { state.edit.prompt = prompt; state.edit.sourcePrompt = prompt }
            state.status = StatusMessage("source: \(TerminalText.line(reference.path))")
            return []
        case let .maskLoaded(mask):
            state.edit.mask = mask
            state.edit.mode = .inpaint
            state.status = StatusMessage("mask \(TerminalText.line(mask.path)) · "
                                         + String(format: "%.0f%%", mask.coverage * 100) + " of the image is redone")
            return []
        case let .layoutLoaded(layout, path):
            state.layout.load(layout, path: path)
            state.status = StatusMessage("opened \(TerminalText.line(path)) · \(layout.regions.count) regions")
            return []
        case let .layoutExists(path):
            state.layout.confirmOverwrite = true
            state.layout.filePath = path
            state.status = StatusMessage("\(TerminalText.line(path)) exists: ^W and ⏎ again replace it", isError: true)
            return []
        case let .layoutSaved(path):
            state.layout.confirmOverwrite = false
            state.layout.filePath = path
            state.status = StatusMessage("saved \(TerminalText.line(path))")
            return []
        case let .queued(ids, label):
            let names = ids.map { "#\($0.number)" }
            state.status = StatusMessage("queued " + (names.count > 3 ? "\(names[0]) … \(names[names.count - 1])" : names.joined(separator: " ")))
            return []
        case let .themeChanged(name):
            state.themeName = name
            state.settings.themeName = name
            return []
        case let .pickerItems(items):
            state.pickerItems = items
            state.pickerSelection = 0
            state.pendingSessionDeletion = nil
            return []
        case let .sessionDeleted(id):
            state.pickerItems.removeAll { $0 == id }
            state.pickerSelection = min(state.pickerSelection, max(0, state.pickerItems.count - 1))
            state.status = StatusMessage("deleted session \(TerminalText.line(id)) and its folder")
            return []
        case let .presetApplied(preset):
            state.settings.apply(preset)
            state.status = StatusMessage("preset \(TerminalText.line(preset.name)): \(TerminalText.line(preset.description))")
            return []
        case let .sessionOpened(snapshot):
            state.session = snapshot
            state.queueSelection = 0
            state.historySelection = 0
            state.shownImage = nil
            state.wantedImage = nil
            state.followsLive = true
            state.marked = []
            state.markedImages = [:]
            state.status = StatusMessage("opened session \(TerminalText.line(snapshot.id))")
            return []
        case let .unknownWords(words):
            state.unknownWords = Set(words.map { $0.lowercased() })
            return []
        case let .message(message):
            state.status = message
            return []
        case .stopSignal:
            state.isQuitting = true
            return [.quit]
        }
    }

    // MARK: - The session's news

    private static func take(_ snapshot: SessionSnapshot, problems: [String], _ state: inout AppState) -> [Effect] {
        let previous = state.session
        let selected = state.selectedHistoryJob?.id
        state.session = snapshot
        // New images go on top of the history: the selection stays on the image it was on.
        if let selected, let row = state.historyRows.firstIndex(where: { $0.id == selected }) { state.historySelection = row }
        var effects: [Effect] = []
        if let problem = problems.last { state.status = StatusMessage(TerminalText.line(problem), isError: true) }
        // A job that just finished while the preview follows the live job: show its image.
        if let finished = previous.queue.running, snapshot.queue.running != finished,
           let job = snapshot.queue[finished], state.shownImage == nil || state.followsLive {
            switch job.state {
            case .done:
                state.wantedImage = finished
                state.followsLive = true
                state.historySelection = 0
                effects.append(.loadImage(finished))
            case .failed:
                state.status = StatusMessage("#\(finished.number) failed: \(TerminalText.line(job.error ?? "unknown error"))", isError: true)
            default:
                break
            }
        }
        state.queueSelection = min(state.queueSelection, max(0, state.queueRows.count - 1))
        state.historySelection = min(state.historySelection, max(0, state.historyRows.count - 1))
        return effects
    }

    // MARK: - Input

    private static func handle(_ input: InputEvent, _ state: inout AppState) -> [Effect] {
        switch input {
        case .resize:
            return []
        case let .paste(text):
            if state.field != nil {
                if !state.fieldEditor.insert(text) { state.status = StatusMessage("the paste was cut to \(LineEditor.maximumLength) characters", isError: true) }
            } else if state.screen == .main, state.overlay == nil {
                state.focus = .prompt
                if !state.prompt.insert(text) { state.status = StatusMessage("the paste was cut to \(LineEditor.maximumLength) characters", isError: true) }
            }
            return []
        case let .mouse(mouse):
            return handle(mouse, &state)
        case let .key(key):
            if state.status != nil { state.status = nil }
            return handle(key, &state)
        }
    }

    private static func handle(_ key: Key, _ state: inout AppState) -> [Effect] {
        if state.isTooSmall {
            if KeyMap.action(for: key, in: .global) == .quit { return requestQuit(&state) }
            return []
        }
        switch state.overlay {
        case .help?:
            state.overlay = nil
            return []
        case .confirmQuit?:
            state.overlay = nil
            if key == .character("y") || key == .character("Y") || key == .ctrl("c") || key == .ctrl("q") {
                state.isQuitting = true
                return [.quit]
            }
            state.status = StatusMessage("not quitting")
            return []
        case .settings?:
            return settingsKey(key, &state)
        case let .picker(kind)?:
            return pickerKey(key, kind: kind, &state)
        case nil:
            break
        }
        if let field = state.field { return fieldKey(key, field: field, &state) }
        let context = state.keyContext
        // On the prompt line a printable character is text, even one bound elsewhere (`?`).
        if context == .prompt, case .character = key {
            _ = state.prompt.handle(key)
            return []
        }
        if let action = KeyMap.action(for: key, in: context) {
            return perform(action, &state)
        }
        if context == .prompt {
            if !state.prompt.handle(key) { unknownKey(key, &state) }
            return []
        }
        unknownKey(key, &state)
        return []
    }

    private static func unknownKey(_ key: Key, _ state: inout AppState) {
        if case .unknown = key {
            state.status = StatusMessage("unknown key \(TerminalText.line(key.label)) · ? for help")
        }
    }

    private static func requestQuit(_ state: inout AppState) -> [Effect] {
        if state.unfinishedJobCount > 0 {
            state.overlay = .confirmQuit
            return []
        }
        state.isQuitting = true
        return [.quit]
    }

    // MARK: - Actions

    private static func perform(_ action: KeyAction, _ state: inout AppState) -> [Effect] {
        switch action {
        case .quit:
            return requestQuit(&state)
        case .help:
            state.overlay = .help
        case .nextFocus, .previousFocus:
            let panes = Pane.allCases
            let index = panes.firstIndex(of: state.focus) ?? 0
            state.focus = panes[(index + (action == .nextFocus ? 1 : panes.count - 1)) % panes.count]
            if state.focus == .history { return selectHistory(state.historySelection, &state) }
        case .focusPrompt:
            state.focus = .prompt
        case .queuePrompt:
            return queuePrompt(&state)
        case .layoutEditor:
            state.screen = .layout
            if state.layout.basePrompt.isEmpty { state.layout.basePrompt = state.prompt.text }
        case .editPanel:
            return openEditPanel(&state)
        case .presets:
            state.overlay = .picker(.presets)
            return [.listPicker(.presets)]
        case .themes:
            state.overlay = .picker(.themes)
            return [.listPicker(.themes)]
        case .sessions:
            state.overlay = .picker(.sessions)
            return [.listPicker(.sessions)]
        case .settings:
            state.overlay = .settings
        case .cancelRunning:
            guard let running = state.session.queue.running else {
                state.status = StatusMessage("nothing is running")
                return []
            }
            return [.cancel(running)]
        case .selectPrevious, .selectNext:
            let delta = action == .selectNext ? 1 : -1
            switch state.focus {
            case .queue:
                state.queueSelection = max(0, min(state.queueRows.count - 1, state.queueSelection + delta))
            case .history:
                return selectHistory(state.historySelection + delta, &state)
            case .prompt:
                break
            }
        case .cancelSelected:
            guard let job = state.selectedQueueJob else { return [] }
            return [.cancel(job.id)]
        case .moveUp, .moveDown:
            guard let job = state.selectedQueueJob, job.state == .queued else { return [] }
            let offset = action == .moveUp ? -1 : 1
            let firstPending = state.session.queue.running == nil ? 0 : 1
            state.queueSelection = max(firstPending, min(state.queueRows.count - 1, state.queueSelection + offset))
            return [.move(job.id, by: offset)]
        case .pauseResume:
            return [state.session.queue.isPaused ? .resume : .pause]
        case .rerun:
            guard let job = state.selectedHistoryJob else { return [] }
            state.followsLive = true
            state.shownImage = nil
            return [.rerun(job.id)]
        case .batch:
            guard let job = state.selectedHistoryJob else { return [] }
            var parameters = job.parameters
            parameters.seed &+= 1
            state.followsLive = true
            state.shownImage = nil
            return [.enqueue(JobRequest(kind: job.kind, parameters: parameters, seedPolicy: .increment, count: 4,
                                        label: "batch of #\(job.id.number)"))]
        case .useSettings:
            if case .picker = state.overlay { return [] }
            guard let job = state.selectedHistoryJob else { return [] }
            var parameters = job.parameters
            state.prompt.setText(parameters.prompt)
            parameters.prompt = ""
            state.settings.parameters = parameters
            state.settings.seedPolicy = job.seedPolicy == .random ? .random : .fixed
            if case let .regional(layout) = job.kind { state.layout.load(layout, path: nil) }
            state.focus = .prompt
            state.status = StatusMessage("using the prompt and settings of #\(job.id.number) (seed \(job.parameters.seed), fixed)")
        case .batchPrevious, .batchNext:
            return stepInBatch(by: action == .batchNext ? 1 : -1, &state)
        case .toggleContactSheet:
            state.showsContactSheet.toggle()
            state.status = StatusMessage(state.showsContactSheet ? "a batch shows as a contact sheet" : "a batch shows one image at a time")
        case .mark:
            guard let job = state.selectedHistoryJob, job.state == .done else { return [] }
            if let index = state.marked.firstIndex(of: job.id) {
                state.marked.remove(at: index)
                state.markedImages[job.id] = nil
                return []
            }
            state.marked.append(job.id)
            if state.marked.count > 2 {
                let dropped = state.marked.removeFirst()
                state.markedImages[dropped] = nil
            }
            return [.loadImage(job.id)]
        case .back:
            state.screen = .main
            state.overlay = nil
        default:
            return canvasAction(action, &state)
        }
        return []
    }

    private static func selectHistory(_ index: Int, _ state: inout AppState) -> [Effect] {
        let rows = state.historyRows
        guard !rows.isEmpty else { return [] }
        state.historySelection = max(0, min(rows.count - 1, index))
        let job = rows[state.historySelection]
        state.followsLive = false
        // The rest of its batch, for the contact sheet (the images not yet read).
        let thumbnails: [Effect] = state.batchJobs(of: job).filter {
            $0.id != job.id && $0.state == .done && state.sheetImages[$0.id] == nil
        }.map { .loadImage($0.id) }
        guard job.state == .done else { state.shownImage = nil; state.wantedImage = nil; return thumbnails }
        if state.shownImage?.job == job.id { return thumbnails }
        state.wantedImage = job.id
        return [.loadImage(job.id)] + thumbnails
    }

    /// Steps to the previous or next image of the selected job's batch (in batch order).
    private static func stepInBatch(by delta: Int, _ state: inout AppState) -> [Effect] {
        guard let job = state.selectedHistoryJob else { return [] }
        let batch = state.batchJobs(of: job)
        guard batch.count > 1 else {
            state.status = StatusMessage("#\(job.id.number) is a single image; ←/→ step through a batch's images")
            return []
        }
        guard let index = batch.firstIndex(where: { $0.id == job.id }) else { return [] }
        let target = batch[(index + delta + batch.count) % batch.count]
        guard let row = state.historyRows.firstIndex(where: { $0.id == target.id }) else {
            state.status = StatusMessage("#\(target.id.number) has not finished yet")
            return []
        }
        state.showsContactSheet = true
        return selectHistory(row, &state)
    }

    private static func queuePrompt(_ state: inout AppState) -> [Effect] {
        let text = state.prompt.text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            state.status = StatusMessage("type a prompt first, then ⏎ queues it", isError: true)
            return []
        }
        let request = state.settings.request(prompt: text)
        if state.settings.seedPolicy == .increment {
            var unused = SystemRandomNumberGenerator()  // `increment` draws nothing from it
            state.settings.advanceSeed(using: &unused)
        }
        state.prompt.commit()
        state.followsLive = true
        state.shownImage = nil
        return [.enqueue(request)]
    }

    private static func openEditPanel(_ state: inout AppState) -> [Effect] {
        state.screen = .edit
        guard let job = state.selectedHistoryJob ?? state.historyRows.first, job.state == .done, let output = job.output else {
            if state.edit.source == nil { state.status = StatusMessage("no finished image yet: ^O opens a PNG file as the source") }
            return []
        }
        if state.edit.source?.jobID == job.id { return [] }
        state.edit.source = ImageReference(path: output, jobID: job.id)
        state.edit.sourceImage = nil
        state.edit.prompt = job.parameters.prompt
        state.edit.sourcePrompt = job.parameters.prompt
        state.edit.canvas = BoxCanvas()
        state.edit.mask = nil
        return [.loadImage(job.id)]
    }

    // MARK: - Canvas panels (layout editor, edit panel)

    /// The pane the canvas is drawn in, and the image size it shows.
    static func canvasGeometry(_ state: AppState) -> CanvasGeometry {
        let panes = ScreenLayout(size: state.size)
        let width: Int, height: Int
        if state.screen == .edit, let image = state.edit.sourceImage {
            (width, height) = (image.width, image.height)
        } else {
            (width, height) = (state.settings.parameters.width, state.settings.parameters.height)
        }
        return CanvasGeometry(imageWidth: width, imageHeight: height, in: panes.preview.inner)
    }

    private static func canvasAction(_ action: KeyAction, _ state: inout AppState) -> [Effect] {
        let geometry = canvasGeometry(state)
        let isLayout = state.screen == .layout
        var canvas = isLayout ? state.layout.canvas : state.edit.canvas
        var effects: [Effect] = []
        switch action {
        case .newBox:
            if !isLayout, state.edit.mode != .inpaint { state.edit.mode = .inpaint }
            guard canvas.boxes.count < Layout.maximumRegions else {
                state.status = StatusMessage("at most \(Layout.maximumRegions) boxes", isError: true)
                return []
            }
            canvas.addDefault()
            if isLayout {
                state.layout.canvas = canvas
                beginField(.regionPrompt(canvas.boxes.count - 1), text: "", &state)
                return []
            }
        case .nextBox: canvas.selectNext()
        case .deleteBox:
            let wasArmed = canvas.pendingDelete
            canvas.deleteSelected()
            if canvas.pendingDelete, !wasArmed { state.status = StatusMessage("press again to delete the box") }
        case .moveBoxLeft: canvas.moveSelected(dx: -geometry.columnStep, dy: 0)
        case .moveBoxRight: canvas.moveSelected(dx: geometry.columnStep, dy: 0)
        case .moveBoxUp: canvas.moveSelected(dx: 0, dy: -geometry.rowStep)
        case .moveBoxDown: canvas.moveSelected(dx: 0, dy: geometry.rowStep)
        case .growWidth: canvas.resizeSelected(dw: geometry.columnStep, dh: 0)
        case .shrinkWidth: canvas.resizeSelected(dw: -geometry.columnStep, dh: 0)
        case .growHeight: canvas.resizeSelected(dw: 0, dh: geometry.rowStep)
        case .shrinkHeight: canvas.resizeSelected(dw: 0, dh: -geometry.rowStep)
        case .baseRatioUp: state.layout.baseRatio = min(1, ((state.layout.baseRatio + 0.05) * 100).rounded() / 100)
        case .baseRatioDown: state.layout.baseRatio = max(0, ((state.layout.baseRatio - 0.05) * 100).rounded() / 100)
        case .injectStepsUp, .injectStepsDown:
            // From the value in force (the model's while the layout leaves it open), within the job's steps.
            let current = state.layout.injectSteps ?? state.layout.modelRegional.injectSteps
            let steps = state.settings.parameters.steps
            state.layout.injectSteps = max(0, min(steps, current + (action == .injectStepsUp ? 1 : -1)))
            if action == .injectStepsUp, current >= steps {
                state.status = StatusMessage("inject steps stop at the job's \(steps) steps")
            }
        case .blockIntervalUp, .blockIntervalDown:
            let current = state.layout.blockInterval ?? state.layout.modelRegional.blockInterval
            state.layout.blockInterval = max(1, min(Self.maximumBlockInterval, current + (action == .blockIntervalUp ? 1 : -1)))
        case .emphasisUp, .emphasisDown:
            let current = state.layout.regionEmphasis ?? state.layout.modelRegional.regionEmphasis
            state.layout.regionEmphasis = max(0, min(Layout.maximumEmphasis, (current + (action == .emphasisUp ? 1 : -1)).rounded()))
        case .regionalSettingsReset:
            state.layout.injectSteps = nil
            state.layout.blockInterval = nil
            state.layout.regionEmphasis = nil
            state.status = StatusMessage("inject steps, block interval and emphasis: the model's")
        case .editBackgroundPrompt: beginField(.backgroundPrompt, text: state.layout.backgroundPrompt, &state)
        case .strengthUp: state.edit.strength = min(1, ((state.edit.strength + 0.05) * 100).rounded() / 100)
        case .strengthDown: state.edit.strength = max(0.05, ((state.edit.strength - 0.05) * 100).rounded() / 100)
        case .featherUp, .featherDown:
            state.edit.feather = max(0, min(Self.maximumFeather, state.edit.feather + (action == .featherUp ? 1 : -1)))
            if state.edit.mode != .inpaint { state.status = StatusMessage("feather applies to inpaint (m changes the mode)") }
        case .openMaskFile: beginField(.maskPath, text: state.edit.mask?.path ?? "", &state)
        case .nextEditMode, .previousEditMode:
            let modes = EditMode.allCases
            let index = modes.firstIndex(of: state.edit.mode) ?? 0
            state.edit.mode = modes[(index + (action == .nextEditMode ? 1 : modes.count - 1)) % modes.count]
        case .editBoxPrompt:
            if isLayout {
                guard let index = canvas.selected else { beginField(.basePrompt, text: state.layout.basePrompt, &state); return [] }
                beginField(.regionPrompt(index), text: canvas.prompts[index], &state)
            } else {
                beginField(.editPrompt, text: state.edit.prompt, &state)
            }
        case .editBasePrompt: beginField(.basePrompt, text: state.layout.basePrompt, &state)
        case .editSourcePrompt: beginField(.editSourcePrompt, text: state.edit.sourcePrompt, &state)
        case .saveLayout: beginField(.layoutSavePath, text: state.layout.filePath ?? "layout.toml", &state)
        case .openLayout: beginField(.layoutOpenPath, text: state.layout.filePath ?? "", &state)
        case .openSourceFile: beginField(.editSourcePath, text: "", &state)
        case .queueCanvas:
            effects = isLayout ? queueLayout(&state) : queueEdit(&state)
        default:
            break
        }
        if isLayout { state.layout.canvas = canvas } else { state.edit.canvas = canvas }
        return effects
    }

    private static func beginField(_ target: FieldTarget, text: String, _ state: inout AppState) {
        state.field = target
        state.fieldEditor = LineEditor(text)
    }

    private static func queueLayout(_ state: inout AppState) -> [Effect] {
        let layout = state.layout.layout
        do {
            try layout.validate()
        } catch {
            state.status = StatusMessage("\(error)", isError: true)
            return []
        }
        var parameters = state.settings.parameters
        parameters.prompt = layout.basePrompt
        state.screen = .main
        state.followsLive = true
        state.shownImage = nil
        return [.enqueue(JobRequest(kind: .regional(layout), parameters: parameters, seedPolicy: state.settings.seedPolicy,
                                    label: "layout"))]
    }

    private static func queueEdit(_ state: inout AppState) -> [Effect] {
        guard let source = state.edit.source else {
            state.status = StatusMessage("no source image: pick one in the history first, or ^O opens a PNG", isError: true)
            return []
        }
        let edit = state.edit
        let operation: EditOperation
        switch edit.mode {
        case .img2img: operation = .img2img(source: source, strength: edit.strength)
        case .variation: operation = .variation(source: source, strength: edit.strength)
        case .inpaint:
            guard !edit.canvas.boxes.isEmpty || edit.mask != nil else {
                state.status = StatusMessage("an inpaint needs a mask: n draws a box (or drag with the mouse), o opens a mask PNG",
                                             isError: true)
                return []
            }
            operation = .inpaint(source: source, boxes: edit.canvas.boxes, mask: edit.mask?.path, strength: edit.strength,
                                 feather: edit.feather)
        case .inject:
            operation = .inject(source: source, sourcePrompt: edit.sourcePrompt, targetPrompt: edit.prompt)
        }
        var parameters = state.settings.parameters
        parameters.prompt = edit.prompt
        if let image = edit.sourceImage { parameters.width = image.width; parameters.height = image.height }
        state.screen = .main
        state.followsLive = true
        state.shownImage = nil
        return [.enqueue(JobRequest(kind: .edit(operation), parameters: parameters, seedPolicy: state.settings.seedPolicy,
                                    label: edit.mode.rawValue))]
    }

    private static func fieldKey(_ key: Key, field: FieldTarget, _ state: inout AppState) -> [Effect] {
        switch key {
        case .escape:
            state.field = nil
            return []
        case .enter:
            state.field = nil
            let text = state.fieldEditor.text
            switch field {
            case let .regionPrompt(index):
                if state.layout.canvas.prompts.indices.contains(index) { state.layout.canvas.prompts[index] = text }
            case .basePrompt: state.layout.basePrompt = text
            case .backgroundPrompt: state.layout.backgroundPrompt = text.trimmingCharacters(in: .whitespaces)
            case .editPrompt: state.edit.prompt = text
            case .editSourcePrompt: state.edit.sourcePrompt = text
            case .negativePrompt:
                state.settings.parameters.negativePrompt = text.trimmingCharacters(in: .whitespaces)
                state.status = StatusMessage(text.isEmpty ? "no negative prompt: the unconditional branch is the empty prompt"
                                                          : "negative prompt set for the next jobs")
            case .layoutSavePath:
                guard !text.isEmpty else { return [] }
                let overwrite = state.layout.confirmOverwrite && state.layout.filePath == text
                return [.saveLayout(state.layout.layout, path: text, overwrite: overwrite)]
            case .layoutOpenPath:
                guard !text.isEmpty else { return [] }
                return [.openLayout(path: text)]
            case .editSourcePath:
                guard !text.isEmpty else { return [] }
                return [.loadSourceFile(path: text)]
            case .maskPath:
                guard !text.isEmpty else {
                    if state.edit.mask != nil { state.status = StatusMessage("no mask file: the boxes alone are the mask") }
                    state.edit.mask = nil
                    return []
                }
                guard let image = state.edit.sourceImage else {
                    state.status = StatusMessage("open the source image first (a finished image, or ^O): a mask must be its size",
                                                 isError: true)
                    return []
                }
                return [.loadMaskFile(path: text, width: image.width, height: image.height)]
            }
            return []
        default:
            _ = state.fieldEditor.handle(key)
            return []
        }
    }

    // MARK: - Settings and pickers

    private static func settingsKey(_ key: Key, _ state: inout AppState) -> [Effect] {
        if let field = state.field { return fieldKey(key, field: field, &state) }
        guard let action = KeyMap.action(for: key, in: .settings, allowGlobal: false) else {
            if KeyMap.action(for: key, in: .global) == .quit { return requestQuit(&state) }
            return []
        }
        let fields = SettingField.allCases
        let index = fields.firstIndex(of: state.settingField) ?? 0
        switch action {
        case .selectPrevious: state.settingField = fields[max(0, index - 1)]
        case .selectNext: state.settingField = fields[min(fields.count - 1, index + 1)]
        case .increase, .decrease:
            if state.settingField == .negativePrompt {
                state.status = StatusMessage("⏎ edits the negative prompt (what to steer away from)")
                return []
            }
            adjust(state.settingField, by: action == .increase ? 1 : -1, &state.settings)
        case .editSetting:
            if state.settingField == .negativePrompt {
                beginField(.negativePrompt, text: state.settings.parameters.negativePrompt, &state)
            } else {
                state.overlay = nil
            }
        case .back: state.overlay = nil
        default: break
        }
        return []
    }

    /// The widest inpaint feather the edit panel offers, in pixels.
    static let maximumFeather = 32

    /// The largest block interval the layout editor offers (regional attention in every n-th block).
    static let maximumBlockInterval = 32

    /// Image sides the settings panel offers (multiples of 16, as the built-in model needs).
    static let sizes = [32, 48, 64, 80, 96, 128]

    static func adjust(_ field: SettingField, by direction: Int, _ settings: inout StudioSettings) {
        var p = settings.parameters
        switch field {
        case .steps: p.steps = max(1, min(200, p.steps + direction))
        case .guidance: p.guidance = max(0, min(30, p.guidance + 0.5 * Double(direction)))
        case .shift: p.shift = max(0.25, min(10, p.shift + 0.25 * Double(direction)))
        case .sampler: p.sampler = p.sampler == .euler ? .heun : .euler
        case .seed: p.seed = direction > 0 ? p.seed &+ 1 : (p.seed == 0 ? 0 : p.seed - 1)
        case .seedPolicy:
            let policies = SeedPolicy.allCases
            let index = policies.firstIndex(of: settings.seedPolicy) ?? 0
            settings.seedPolicy = policies[(index + (direction > 0 ? 1 : policies.count - 1)) % policies.count]
        case .size:
            let index = sizes.firstIndex(of: p.width) ?? sizes.firstIndex(of: 64) ?? 0
            let next = sizes[max(0, min(sizes.count - 1, index + direction))]
            p.width = next
            p.height = next
        case .count: settings.count = max(1, min(64, settings.count + direction))
        case .caching:
            let levels = CachingLevel.levels
            let index = levels.firstIndex(of: p.caching) ?? 0
            p.caching = levels[max(0, min(levels.count - 1, index + direction))]
        case .previews:
            let choices = PreviewChoice.allCases
            let index = choices.firstIndex(of: settings.previews) ?? 0
            settings.previews = choices[(index + (direction > 0 ? 1 : choices.count - 1)) % choices.count]
        case .negativePrompt: break  // text: edited with ⏎
        }
        settings.parameters = p
    }

    private static func pickerKey(_ key: Key, kind: PickerKind, _ state: inout AppState) -> [Effect] {
        guard let action = KeyMap.action(for: key, in: .picker, allowGlobal: false) else {
            if KeyMap.action(for: key, in: .global) == .quit { return requestQuit(&state) }
            return []
        }
        if action != .deleteItem { state.pendingSessionDeletion = nil }
        switch action {
        case .deleteItem:
            return deletePickerItem(kind: kind, &state)
        case .selectPrevious: state.pickerSelection = max(0, state.pickerSelection - 1)
        case .selectNext: state.pickerSelection = min(max(0, state.pickerItems.count - 1), state.pickerSelection + 1)
        case .back: state.overlay = nil
        case .useSettings:
            state.overlay = nil
            guard state.pickerItems.indices.contains(state.pickerSelection) else { return [] }
            let item = state.pickerItems[state.pickerSelection]
            switch kind {
            case .presets: return [.applyPreset(item)]
            case .themes: return [.switchTheme(item)]
            case .sessions: return [.openSession(item == PickerLabels.newSession ? nil : item)]
            }
        default: break
        }
        return []
    }

    /// d on a session: the first arms, the second deletes; never the open session or "new session".
    private static func deletePickerItem(kind: PickerKind, _ state: inout AppState) -> [Effect] {
        guard kind == .sessions else {
            state.status = StatusMessage("only sessions can be deleted here (presets and themes are files in their folders)")
            return []
        }
        guard state.pickerItems.indices.contains(state.pickerSelection) else { return [] }
        let item = state.pickerItems[state.pickerSelection]
        if item == PickerLabels.newSession { return [] }
        guard item != state.session.id else {
            state.pendingSessionDeletion = nil
            state.status = StatusMessage("session \(TerminalText.line(item)) is open: open another one first to delete it", isError: true)
            return []
        }
        if state.pendingSessionDeletion == item {
            state.pendingSessionDeletion = nil
            return [.deleteSession(item)]
        }
        state.pendingSessionDeletion = item
        state.status = StatusMessage("d again deletes session \(TerminalText.line(item)) with its journal and images; any other key keeps it",
                                     isError: true)
        return []
    }

    // MARK: - Mouse

    private static func handle(_ mouse: MouseEvent, _ state: inout AppState) -> [Effect] {
        guard !state.isTooSmall, state.overlay == nil, state.field == nil else { return [] }
        let panes = ScreenLayout(size: state.size)
        switch state.screen {
        case .layout:
            state.layout.canvas.handle(mouse, geometry: canvasGeometry(state))
            if mouse.action == .release, let index = state.layout.canvas.selected,
               state.layout.canvas.prompts.indices.contains(index), state.layout.canvas.prompts[index].isEmpty {
                beginField(.regionPrompt(index), text: "", &state)
            }
            return []
        case .edit:
            let before = state.edit.canvas.boxes.count
            state.edit.canvas.handle(mouse, geometry: canvasGeometry(state))
            if state.edit.canvas.boxes.count > before { state.edit.mode = .inpaint }
            return []
        case .main:
            break
        }
        switch mouse.action {
        case .press:
            if panes.prompt.contains(column: mouse.column, row: mouse.row) {
                state.focus = .prompt
            } else if panes.queue.inner.contains(column: mouse.column, row: mouse.row) {
                state.focus = .queue
                let row = mouse.row - panes.queue.inner.top
                if row < state.queueRows.count { state.queueSelection = row }
            } else if panes.history.inner.contains(column: mouse.column, row: mouse.row) {
                state.focus = .history
                let row = mouse.row - panes.history.inner.top + HistoryScroll.offset(selection: state.historySelection, visible: panes.history.inner.height)
                if row < state.historyRows.count { return selectHistory(row, &state) }
            }
        case .scrollUp, .scrollDown:
            let delta = mouse.action == .scrollDown ? 1 : -1
            if panes.history.contains(column: mouse.column, row: mouse.row) {
                state.focus = .history
                return selectHistory(state.historySelection + delta, &state)
            } else if panes.queue.contains(column: mouse.column, row: mouse.row) {
                state.focus = .queue
                state.queueSelection = max(0, min(state.queueRows.count - 1, state.queueSelection + delta))
            }
        case .drag, .release:
            break
        }
        return []
    }
}

/// Fixed labels of picker items.
public enum PickerLabels {
    public static let newSession = "+ new session"
}

/// How far a list scrolls so that the selected row stays visible.
public enum HistoryScroll {
    public static func offset(selection: Int, visible: Int) -> Int {
        guard visible > 0 else { return 0 }
        return max(0, selection - visible + 1)
    }
}
