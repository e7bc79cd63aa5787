#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A child process run to its end, for what only a process of its own can measure: its whole wall
/// time and its peak resident memory (`wait4`'s `ru_maxrss`). Foundation's `Process` reaps its
/// children itself and keeps their resource usage, hence `posix_spawn` and `wait4` here.
struct ChildProcess {
    /// How a child ended.
    struct Outcome {
        /// The exit status; nil when a signal ended it.
        var exitStatus: Int32?
        var seconds: Double
        /// Peak resident set size, in bytes.
        var maxResidentBytes: Int
    }

    /// Runs `executable` with `arguments` and `environment`, output discarded; nil when the process
    /// cannot be started.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) -> Outcome? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let start = Date()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { return nil }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(start)
        let exited = status & 0x7f == 0
        // ru_maxrss is in kilobytes on Linux, bytes on macOS.
        #if os(Linux)
        let bytes = Int(usage.ru_maxrss) * 1024
        #else
        let bytes = Int(usage.ru_maxrss)
        #endif
        return Outcome(exitStatus: exited ? (status >> 8) & 0xff : nil, seconds: seconds, maxResidentBytes: bytes)
    }
}
