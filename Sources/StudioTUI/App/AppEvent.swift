import StudioCore

/// What changes the studio's state: input, the session's news, and the outcomes of effects.
public enum AppEvent: Equatable, Sendable {
    case input(InputEvent)
    /// The terminal's size now (after a resize).
    case resized(TerminalSize)
    /// The session after a pump, with any problems it reported.
    case session(SessionSnapshot, problems: [String])
    /// A history image (or a marked one) was read.
    case imageLoaded(JobID, RGBImage)
    /// An edit source read from a file.
    case sourceLoaded(ImageReference, RGBImage, prompt: String?)
    /// An inpaint mask read and checked against the source's size.
    case maskLoaded(LoadedMask)
    case layoutLoaded(Layout, path: String)
    /// A file already exists where a layout was to be saved.
    case layoutExists(path: String)
    case layoutSaved(path: String)
    /// Jobs were queued (for the status line and seed advance).
    case queued([JobID], label: String)
    case themeChanged(String)
    case pickerItems([String])
    case presetApplied(Preset)
    case sessionOpened(SessionSnapshot)
    /// A session was deleted from the picker.
    case sessionDeleted(String)
    /// The words of the prompt the model's tokenizer does not know.
    case unknownWords([String])
    case message(StatusMessage)
    /// A stop signal or hang-up arrived: quit at once, keeping the queue.
    case stopSignal
}

/// What the reducer asks the runtime to do (the only way state reaches the session and files).
public enum Effect: Equatable, Sendable {
    case enqueue(JobRequest)
    case cancel(JobID)
    case move(JobID, by: Int)
    case pause, resume
    case rerun(JobID)
    case loadImage(JobID)
    case loadSourceFile(path: String)
    /// Read a mask PNG; it must be `width × height` (the source's size).
    case loadMaskFile(path: String, width: Int, height: Int)
    case saveLayout(Layout, path: String, overwrite: Bool)
    case openLayout(path: String)
    case switchTheme(String)
    case applyPreset(String)
    case openSession(String?)
    /// Delete a session's folder (never the open one).
    case deleteSession(String)
    case listPicker(PickerKind)
    case quit
}
