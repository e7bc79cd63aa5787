import Foundation
import XCTest
@testable import StudioCore

/// The real file operations, recorded: every call lands in `trace` as one line ("fsync TEMP",
/// "link TEMP out.png"), with paths shown relative to `base` ("." for `base` itself) and any
/// writer's temporary file (`.NAME.PID-N.tmp`) shown as TEMP, so a test can assert the exact
/// order of writes, flushes and renames. `fail` makes the next matching call fail with an errno
/// (a full disk, a file-size limit) before it reaches the system; `beforeCall` runs first (to
/// simulate a race).
final class RecordingFileOperations: FileOperations, @unchecked Sendable {
    private let real = SystemFileOperations()
    private let state = Locked(State())
    let base: String

    private struct State {
        var trace: [String] = []
        var paths: [Int32: String] = [:]
        var failures: [(call: String, path: String?, code: Int32, skip: Int)] = []
        var beforeCall: ((String, String) -> Void)?
    }

    init(base: URL) {
        self.base = base.standardizedFileURL.path
    }

    var trace: [String] { state.snapshot.trace }

    /// Forgets the trace so far (to look at one step only).
    func clearTrace() { state.withLock { $0.trace.removeAll() } }

    /// The next `call` (on `path` as the trace shows it, or on any path) fails with `code`; with
    /// `after`, that many matching calls succeed first.
    func fail(_ call: String, on path: String? = nil, code: Int32, after skipped: Int = 0) {
        state.withLock { $0.failures.append((call, path, code, skipped)) }
    }

    /// Runs `body(call, shownPath)` before each call reaches the system.
    func beforeCall(_ body: @escaping (String, String) -> Void) {
        state.withLock { $0.beforeCall = body }
    }

    func shown(_ path: String) -> String {
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        var relative = standard == base ? "." : standard.hasPrefix(base + "/") ? String(standard.dropFirst(base.count + 1)) : standard
        let name = (relative as NSString).lastPathComponent
        if name.hasPrefix("."), name.hasSuffix(".tmp") {
            let folder = (relative as NSString).deletingLastPathComponent
            relative = folder.isEmpty ? "TEMP" : folder + "/TEMP"
        }
        return relative
    }

    private func record(_ call: String, _ path: String, _ extra: String = "") throws {
        let shownPath = shown(path)
        let (hook, failure) = state.withLock { state -> (((String, String) -> Void)?, Int32?) in
            state.trace.append([call, shownPath, extra].filter { !$0.isEmpty }.joined(separator: " "))
            var code: Int32?
            if let index = state.failures.firstIndex(where: { $0.call == call && ($0.path == nil || $0.path == shownPath) }) {
                if state.failures[index].skip > 0 {
                    state.failures[index].skip -= 1
                } else {
                    code = state.failures.remove(at: index).code
                }
            }
            return (state.beforeCall, code)
        }
        hook?(call, shownPath)
        if let failure { throw FileOperationError(call: call, code: failure) }
    }

    private func path(of descriptor: Int32) -> String { state.withLock { $0.paths[descriptor] ?? "fd\(descriptor)" } }

    func open(_ path: String, flags: Int32, mode: mode_t) throws -> Int32 {
        try record("open", path)
        let descriptor = try real.open(path, flags: flags, mode: mode)
        state.withLock { $0.paths[descriptor] = path }
        return descriptor
    }

    func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws -> Int {
        try record("write", path(of: descriptor))
        return try real.write(descriptor, bytes)
    }

    func sync(_ descriptor: Int32) throws {
        try record("fsync", path(of: descriptor))
        try real.sync(descriptor)
    }

    func truncate(_ descriptor: Int32, toLength length: Int) throws {
        try record("ftruncate", path(of: descriptor))
        try real.truncate(descriptor, toLength: length)
    }

    func seekToEnd(_ descriptor: Int32) throws -> Int {
        try record("lseek", path(of: descriptor))
        return try real.seekToEnd(descriptor)
    }

    func setPermissions(_ descriptor: Int32, _ mode: mode_t) throws {
        try record("fchmod", path(of: descriptor), String(mode, radix: 8))
        try real.setPermissions(descriptor, mode)
    }

    func lockExclusively(_ descriptor: Int32) throws {
        try record("flock", path(of: descriptor))
        try real.lockExclusively(descriptor)
    }

    func close(_ descriptor: Int32) throws {
        let path = path(of: descriptor)
        state.withLock { _ = $0.paths.removeValue(forKey: descriptor) }
        // A descriptor is released even when the close is made to fail (as close(2) does).
        defer { try? real.close(descriptor) }
        try record("close", path)
    }

    func rename(_ source: String, to destination: String) throws {
        try record("rename", source, shown(destination))
        try real.rename(source, to: destination)
    }

    func link(_ source: String, to destination: String) throws {
        try record("link", source, shown(destination))
        try real.link(source, to: destination)
    }

    func unlink(_ path: String) throws {
        try record("unlink", path)
        try real.unlink(path)
    }

    func syncDirectory(_ path: String) throws {
        try record("fsync-directory", path)
        try real.syncDirectory(path)
    }

    func status(ofPath path: String) throws -> FileStatus? {
        try record("lstat", path)
        return try real.status(ofPath: path)
    }
}

/// Fails the test, instead of hanging it, when `body` does not return within `seconds` (it then
/// keeps running on its own thread: the test has failed, the others go on).
func assertFinishes(within seconds: Double, _ what: String, file: StaticString = #filePath, line: UInt = #line,
                    _ body: @escaping @Sendable () -> Void) {
    let done = DispatchSemaphore(value: 0)
    Thread {
        body()
        done.signal()
    }.start()
    if done.wait(timeout: .now() + seconds) == .timedOut {
        XCTFail("\(what) did not finish within \(seconds) s", file: file, line: line)
    }
}
