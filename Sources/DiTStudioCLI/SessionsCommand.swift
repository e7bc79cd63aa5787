import ArgumentParser
import Foundation
import StudioCore

/// `dit-studio sessions …`: the sessions on disk — list them, show one, run what one left queued,
/// remove one. Each subcommand lives in its own file.
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List, show, resume or remove sessions.",
        discussion: """
            A session is a folder holding a journal (journal.jsonl) and, unless it was created with \
            --out-dir, its images. `run` makes one per preset run; an interrupted run leaves its \
            unfinished jobs queued there for `sessions resume`.
            """,
        subcommands: [SessionsListCommand.self, SessionsShowCommand.self, SessionsResumeCommand.self,
                      SessionsRemoveCommand.self]
    )
}

/// `--session-root`, shared by the `sessions` subcommands (and spelled as `run` spells it).
struct SessionRootOption: ParsableArguments {
    @Option(help: "Where sessions live (default: $XDG_DATA_HOME/dit-studio/sessions).", completion: .directory)
    var sessionRoot: String?

    var store: SessionStore {
        sessionRoot.map { SessionStore(root: URL(fileURLWithPath: $0, isDirectory: true)) }
            ?? SessionStore(paths: StudioPaths())
    }
}

/// How the `sessions` commands print what a journal says.
enum SessionText {
    /// `done 3, queued 1, failed 0` (a job that was running when its studio stopped counts as
    /// queued: resuming runs it again), with cancelled jobs when there are any.
    static func counts(_ queue: JobQueue) -> String {
        let counts = queue.counts
        var text = "done \(counts[.done] ?? 0), queued \((counts[.queued] ?? 0) + (counts[.running] ?? 0)), "
            + "failed \(counts[.failed] ?? 0)"
        if let cancelled = counts[.cancelled], cancelled > 0 { text += ", cancelled \(cancelled)" }
        return text
    }

    /// A time stamp in local time, to the minute: `2026-11-25 10:42`.
    static func time(_ timestamp: Timestamp) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: timestamp.date)
    }

    /// A session id given on the command line that the store does not know, as a usage error.
    static func lookUp(_ id: String, in store: SessionStore) throws -> SessionReplay {
        do {
            return try store.replay(of: id)
        } catch let error as SessionError {
            switch error {
            case .unknownSession, .notASession:
                throw ValidationError("\(error); `dit-studio sessions list` shows the sessions there are")
            default:
                throw error
            }
        }
    }
}
