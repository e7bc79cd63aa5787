/// Everything a key can do in the studio (the key table maps keys to these).
public enum KeyAction: Hashable, Sendable {
    case quit
    case queuePrompt
    case nextFocus, previousFocus
    case help
    case layoutEditor, editPanel, presets, settings, themes, sessions
    case cancelRunning
    case selectPrevious, selectNext
    case cancelSelected, moveUp, moveDown, pauseResume, rerun, batch
    case useSettings, mark, focusPrompt
    case batchPrevious, batchNext, toggleContactSheet
    case back
    // The box canvas (layout editor and inpaint masks).
    case newBox, nextBox, deleteBox, editBoxPrompt, editBasePrompt
    case moveBoxLeft, moveBoxRight, moveBoxUp, moveBoxDown
    case growWidth, shrinkWidth, growHeight, shrinkHeight
    case baseRatioUp, baseRatioDown
    case editBackgroundPrompt, injectStepsUp, injectStepsDown, blockIntervalUp, blockIntervalDown,
         emphasisUp, emphasisDown, regionalSettingsReset
    case saveLayout, openLayout, queueCanvas
    // The edit panel.
    case nextEditMode, previousEditMode, strengthUp, strengthDown, editSourcePrompt, openSourceFile
    case openMaskFile, featherUp, featherDown
    // Settings.
    case increase, decrease, editSetting
    // Lists.
    case deleteItem
}
