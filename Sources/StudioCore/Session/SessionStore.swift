import DiTEngine
import Foundation

/// The folder that holds session directories (`$XDG_DATA_HOME/dit-studio/sessions` unless the user
/// or a test names another), how new sessions are named (`2026-11-25-a`, `-b`, … then `-aa`), and
/// the pointer to the last session opened, for the TUI to reopen.
public struct SessionStore: Sendable, Equatable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The standard location for `paths`.
    public init(paths: StudioPaths) {
        self.init(root: paths.sessionsDirectory)
    }

    public static let journalFileName = "journal.jsonl"
    static let lastSessionFileName = ".last-session"

    public func directory(for id: String) -> URL {
        root.appendingPathComponent(id, isDirectory: true)
    }

    /// The ids of the sessions in the store, oldest name first.
    public func sessionIDs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { name in
            !name.hasPrefix(".") && FileManager.default.fileExists(
                atPath: directory(for: name).appendingPathComponent(Self.journalFileName).path)
        }.sorted { ($0.count, $0) < ($1.count, $1) }
    }

    /// Creates an empty directory for a new session named after `date` (local time) and returns
    /// its id. The name is claimed with mkdir(2), which fails if it exists, so two studios starting
    /// at once cannot get the same one.
    public func createSessionDirectory(date: Date = Date(), timeZone: TimeZone = .current) throws -> String {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw SessionError.cannotCreate(path: root.path, reason: error.localizedDescription)
        }
        let prefix = Self.datePrefix(date, timeZone: timeZone)
        for index in 0..<(26 * 27) {
            let id = "\(prefix)-\(Self.suffix(index))"
            let path = directory(for: id).path
            if mkdir(path, 0o755) == 0 { return id }
            let error = errno
            if error != EEXIST {
                throw SessionError.cannotCreate(path: path, reason: String(cString: strerror(error)))
            }
        }
        throw SessionError.cannotCreate(path: root.path, reason: "too many sessions today")
    }

    /// The last session opened, if its directory still exists.
    public var lastSessionID: String? {
        let pointer = root.appendingPathComponent(Self.lastSessionFileName)
        guard let data = try? InputFile.read(pointer, maximumBytes: 4096) else { return nil }
        let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !id.isEmpty, !id.contains("/"), sessionIDs().contains(id) else { return nil }
        return id
    }

    /// Remembers `id` as the last session (atomically replacing the previous pointer).
    public func setLastSession(_ id: String) throws {
        let pointer = root.appendingPathComponent(Self.lastSessionFileName)
        try SafeFileWriter().write(text: id + "\n", to: pointer, overwrite: true)
    }

    /// Refuses an id that could name anything but a folder directly inside the store (a path, a
    /// hidden name, `.` or `..`), as an unknown session.
    public func checkID(_ id: String) throws {
        guard !id.isEmpty, !id.hasPrefix("."), !id.contains("/"), !id.contains("\0") else {
            throw SessionError.unknownSession(id: id, root: root.path)
        }
    }

    /// Reads session `id`'s journal without opening the session (no lock, nothing written).
    /// Throws `SessionError`.
    public func replay(of id: String) throws -> SessionReplay {
        try checkID(id)
        let directory = directory(for: id)
        let journalURL = directory.appendingPathComponent(Self.journalFileName)
        guard FileManager.default.fileExists(atPath: journalURL.path) else {
            if FileManager.default.fileExists(atPath: directory.path) { throw SessionError.notASession(path: directory.path) }
            throw SessionError.unknownSession(id: id, root: root.path)
        }
        return try SessionReplay.read(journal: journalURL)
    }

    /// Deletes session `id`'s folder and everything in it — and nothing else: images a session
    /// wrote to another folder (`run --out-dir`) stay. Refuses while a studio has the session open
    /// (its lock is held), and refuses a folder that is a symbolic link. Throws `SessionError`.
    public func removeSession(_ id: String) throws {
        try checkID(id)
        let directory = directory(for: id)
        var status = stat()
        guard lstat(directory.path, &status) == 0 else { throw SessionError.unknownSession(id: id, root: root.path) }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw SessionError.cannotRemove(path: directory.path, reason: "it is \(FileKindName(mode: status.st_mode)), not a session folder")
        }
        let journalURL = directory.appendingPathComponent(Self.journalFileName)
        guard FileManager.default.fileExists(atPath: journalURL.path) else { throw SessionError.notASession(path: directory.path) }
        // Hold the session's lock while deleting, so that no studio opens it halfway.
        let journal = try SessionJournal(url: journalURL, create: false)
        defer { journal.close() }
        do {
            try FileManager.default.removeItem(at: directory)
        } catch {
            throw SessionError.cannotRemove(path: directory.path, reason: (error as NSError).localizedDescription)
        }
        try? SystemFileOperations().syncDirectory(root.path)
    }

    /// `2026-11-25` in `timeZone`.
    static func datePrefix(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// a … z, aa … az, ba … (like spreadsheet columns).
    static func suffix(_ index: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        if index < 26 { return String(letters[index]) }
        let rest = index - 26
        return String(letters[rest / 26]) + String(letters[rest % 26])
    }
}
