/// Where the main screen's parts go for a terminal size: pure, shared by the views (to draw) and
/// the reducer (to map mouse clicks and canvas cells).
public struct ScreenLayout: Equatable, Sendable {
    public let header: Rect
    public let preview: Rect
    public let queue: Rect
    public let history: Rect
    public let prompt: Rect
    /// The settings line (or the latest message) and the key line.
    public let statusLine: Rect
    public let keyLine: Rect

    public init(size: TerminalSize) {
        let columns = size.columns, rows = size.rows
        header = Rect(left: 0, top: 0, width: columns, height: 1)
        keyLine = Rect(left: 0, top: rows - 1, width: columns, height: 1)
        statusLine = Rect(left: 0, top: rows - 2, width: columns, height: 1)
        prompt = Rect(left: 0, top: rows - 5, width: columns, height: 3)
        let paneTop = 1, paneHeight = max(0, rows - 6)
        let previewWidth = max(30, min(columns - 30, columns * 9 / 20))
        preview = Rect(left: 0, top: paneTop, width: previewWidth, height: paneHeight)
        let listWidth = columns - previewWidth
        let queueHeight = max(3, paneHeight * 2 / 5)
        queue = Rect(left: previewWidth, top: paneTop, width: listWidth, height: queueHeight)
        history = Rect(left: previewWidth, top: paneTop + queueHeight, width: listWidth, height: paneHeight - queueHeight)
    }
}
