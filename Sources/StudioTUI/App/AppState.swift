import StudioCore

/// The panes of the main screen that take keys.
public enum Pane: String, Hashable, Sendable, CaseIterable {
    case prompt, queue, history
}

/// What fills the screen: the main panes, or a panel that replaces the preview and the lists.
public enum Screen: Hashable, Sendable {
    case main, layout, edit
}

/// A window over the screen that takes every key until closed.
public enum Overlay: Hashable, Sendable {
    case help
    case settings
    /// Quit although jobs are queued or running? (y / n)
    case confirmQuit
    case picker(PickerKind)
}

public enum PickerKind: String, Hashable, Sendable {
    case presets, themes, sessions
}

/// A text field being edited in a panel (the prompt line is separate).
public enum FieldTarget: Hashable, Sendable {
    case regionPrompt(Int)
    case basePrompt
    case backgroundPrompt
    case layoutSavePath
    case layoutOpenPath
    case editPrompt
    case editSourcePrompt
    case editSourcePath
    case maskPath
    case negativePrompt
}

/// What the session looked like at its last pump: everything views show of it.
public struct SessionSnapshot: Equatable, Sendable {
    public var id: String
    public var queue: JobQueue
    public var progress: StepProgress?
    public var preview: RGBImage?
    public var modelName: String?
    public var stalledReason: String?
    /// The process's resident memory, for the header.
    public var residentMegabytes: Int?

    public init(id: String, queue: JobQueue = JobQueue(), progress: StepProgress? = nil, preview: RGBImage? = nil,
                modelName: String? = nil, stalledReason: String? = nil, residentMegabytes: Int? = nil) {
        self.residentMegabytes = residentMegabytes
        self.id = id
        self.queue = queue
        self.progress = progress
        self.preview = preview
        self.modelName = modelName
        self.stalledReason = stalledReason
    }
}

/// A line in the status bar: what just happened or went wrong.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// The settings the panel (^S) edits, in its order.
public enum SettingField: String, CaseIterable, Sendable {
    case steps, guidance, shift, sampler, seed, seedPolicy = "seed policy", size, count = "batch", caching = "cache", previews
    case negativePrompt = "negative"
}

/// The edit panel: a source image, a mode and that mode's settings; inpaint boxes on a canvas.
public struct EditPanelState: Equatable, Sendable {
    public var source: ImageReference?
    public var sourceImage: RGBImage?
    /// The source's prompt (from its job), the default inject source prompt.
    public var mode: EditMode = .img2img
    public var strength: Double = 0.6
    public var prompt: String = ""
    public var sourcePrompt: String = ""
    public var canvas = BoxCanvas()
    /// An inpaint mask PNG (white = regenerate), checked to be the source's size; with the boxes.
    public var mask: LoadedMask?
    /// Pixels inside the inpaint edge that blend into the source.
    public var feather = 0

    public init() {}
}

/// A mask PNG the edit panel checked: its path, the box around its white pixels and their share.
public struct LoadedMask: Equatable, Sendable {
    public var path: String
    public var bounds: RegionBox
    public var coverage: Double

    public init(path: String, bounds: RegionBox, coverage: Double) {
        self.path = path
        self.bounds = bounds
        self.coverage = coverage
    }
}

/// The layout editor: a canvas of regions with prompts, the base prompt and ratio, its file.
public struct LayoutEditorState: Equatable, Sendable {
    public var canvas = BoxCanvas()
    public var basePrompt: String = ""
    public var baseRatio: Double = 0.3
    /// The prompt of the area no region covers; empty: the base prompt alone governs it.
    public var backgroundPrompt: String = ""
    /// The regional method's settings; nil: the model's (`modelRegional`).
    public var injectSteps: Int?
    public var blockInterval: Int?
    public var regionEmphasis: Double?
    /// The model's regional settings, shown for what the layout leaves open.
    public var modelRegional = RegionalDefaults()
    public var filePath: String?
    /// A save was refused because the file exists: the next save replaces it.
    public var confirmOverwrite = false

    public init() {}

    /// The layout as the queue and files take it.
    public var layout: Layout {
        Layout(basePrompt: basePrompt, baseRatio: baseRatio,
               regions: canvas.boxes.indices.map { LayoutRegion(box: canvas.boxes[$0], prompt: canvas.prompts[$0]) },
               injectSteps: injectSteps, blockInterval: blockInterval,
               backgroundPrompt: backgroundPrompt.isEmpty ? nil : backgroundPrompt, regionEmphasis: regionEmphasis)
    }

    public mutating func load(_ layout: Layout, path: String?) {
        canvas = BoxCanvas(boxes: layout.regions.map(\.box), prompts: layout.regions.map(\.prompt))
        basePrompt = layout.basePrompt
        baseRatio = layout.baseRatio
        backgroundPrompt = layout.backgroundPrompt ?? ""
        injectSteps = layout.injectSteps
        blockInterval = layout.blockInterval
        regionEmphasis = layout.regionEmphasis
        filePath = path
    }
}

/// Everything the studio shows and remembers between events. Views draw it; the reducer changes it.
public struct AppState: Equatable, Sendable {
    public var size: TerminalSize
    public var screen: Screen = .main
    public var overlay: Overlay?
    public var focus: Pane = .prompt
    public var prompt = LineEditor()
    /// A panel's text field while it is being edited, with its editor.
    public var field: FieldTarget?
    public var fieldEditor = LineEditor()
    public var settings: StudioSettings
    public var settingField: SettingField = .steps
    public var session: SessionSnapshot
    /// Selected row of the queue (pending jobs, running first) and of the history (newest first).
    public var queueSelection = 0
    public var historySelection = 0
    /// A finished image being shown instead of the live preview, with its job.
    public var shownImage: ShownImage?
    /// The image asked for (shown when it arrives), and whether the preview follows the running job.
    public var wantedImage: JobID?
    public var followsLive = true
    /// Up to two history images marked for side-by-side compare.
    public var marked: [JobID] = []
    public var markedImages: [JobID: RGBImage] = [:]
    /// Thumbnails of the shown batch's images (a contact sheet), by job.
    public var sheetImages: [JobID: RGBImage] = [:]
    /// A batch shows as a contact sheet (g switches to the single image and back).
    public var showsContactSheet = true
    public var status: StatusMessage?
    public var layout = LayoutEditorState()
    public var edit = EditPanelState()
    /// Items of the open picker and the selected one.
    public var pickerItems: [String] = []
    public var pickerSelection = 0
    /// A session the picker will delete on a second d (the first one armed it).
    public var pendingSessionDeletion: String?
    public var themeName: String
    /// Words of the prompt the model does not know (lower-cased), underlined in the prompt line.
    public var unknownWords: Set<String> = []
    public var isQuitting = false

    public init(size: TerminalSize, settings: StudioSettings, session: SessionSnapshot, themeName: String) {
        self.size = size
        self.settings = settings
        self.session = session
        self.themeName = themeName
    }

    /// The smallest terminal the studio draws in; below it, a "too small" screen.
    public static let minimumSize = TerminalSize(columns: 60, rows: 20)

    public var isTooSmall: Bool { size.columns < Self.minimumSize.columns || size.rows < Self.minimumSize.rows }

    /// Queue rows: the running job first, then the pending ones in order.
    public var queueRows: [Job] {
        (session.queue.runningJob.map { [$0] } ?? []) + session.queue.pendingJobs
    }

    /// History rows, newest first.
    public var historyRows: [Job] { session.queue.historyJobs.reversed() }

    public var selectedQueueJob: Job? {
        let rows = queueRows
        return rows.indices.contains(queueSelection) ? rows[queueSelection] : nil
    }

    public var selectedHistoryJob: Job? {
        let rows = historyRows
        return rows.indices.contains(historySelection) ? rows[historySelection] : nil
    }

    /// The jobs of `job`'s batch (the same request over several seeds), in batch order; just `job`
    /// when it is not part of a batch of two or more.
    public func batchJobs(of job: Job) -> [Job] {
        guard let batch = job.batch, batch.count > 1 else { return [job] }
        let first = job.id.number - (batch.index - 1)
        return (0..<batch.count).compactMap { offset in
            session.queue[JobID(first + offset)].flatMap { sibling in
                sibling.batch == BatchPosition(index: offset + 1, count: batch.count) ? sibling : nil
            }
        }
    }

    /// The job whose batch the preview shows as a contact sheet: the selected history image (or the
    /// one just finished, while the preview follows the queue), when it is part of a batch.
    public var contactSheetJob: Job? {
        guard showsContactSheet, let id = shownImage?.job ?? wantedImage, let job = session.queue[id],
              let batch = job.batch, batch.count > 1 else { return nil }
        return job
    }

    /// Jobs that quitting would leave for later (queued or running).
    public var unfinishedJobCount: Int { queueRows.count }

    /// The key context of what has the keys now.
    public var keyContext: KeyContext {
        switch overlay {
        case .settings?: return .settings
        case .picker?: return .picker
        default: break
        }
        switch screen {
        case .layout: return .layout
        case .edit: return .edit
        case .main:
            switch focus {
            case .prompt: return .prompt
            case .queue: return .queue
            case .history: return .history
            }
        }
    }
}

/// A finished image on show, with the job that made it.
public struct ShownImage: Equatable, Sendable {
    public var job: JobID
    public var image: RGBImage

    public init(job: JobID, image: RGBImage) {
        self.job = job
        self.image = image
    }
}
