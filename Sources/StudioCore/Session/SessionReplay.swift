import Foundation

/// What a session's journal says, read back line by line: its header, its queue as the last line
/// left it, and what was found wrong on the way (naming file and line). Opening a session starts
/// from this; `dit-studio sessions list` and `show` read it without opening (or locking) anything.
public struct SessionReplay: Sendable {
    public var header: SessionHeader?
    public var queue = JobQueue()
    /// Lines that could not be read or applied, one message each.
    public var notes: [String] = []

    /// Replays `contents` (read from the journal at `journalURL`, named in notes).
    init(_ contents: SessionJournal.Contents, journalURL: URL) {
        notes = contents.warnings
        for line in contents.lines {
            switch line.record {
            case let .header(found):
                if header == nil { header = found }
            case .opened:
                break
            case let .queue(event):
                do {
                    try queue.apply(event)
                } catch {
                    notes.append("\(journalURL.path):\(line.number): ignored: \(error)")
                }
            }
        }
        if header == nil { notes.append("\(journalURL.path): no session header; images go to the session directory") }
    }

    /// Reads and replays the journal at `journalURL`. Throws `SessionError`.
    public static func read(journal journalURL: URL) throws -> SessionReplay {
        SessionReplay(try SessionJournal.read(journalURL), journalURL: journalURL)
    }

    /// The folder the session's images go to.
    public func imageDirectory(sessionDirectory: URL) -> URL {
        header?.imageDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? sessionDirectory
    }

    /// The file a stored output path names (relative paths are relative to the session directory).
    public static func url(forOutput path: String, sessionDirectory: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : sessionDirectory.appendingPathComponent(path)
    }
}
