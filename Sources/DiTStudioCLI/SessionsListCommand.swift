import ArgumentParser
import Foundation
import StudioCore

/// `dit-studio sessions list`: one line per session, oldest first.
struct SessionsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the sessions: id, when created, and how many jobs are done, queued and failed."
    )

    @OptionGroup var root: SessionRootOption

    func run() throws {
        let store = root.store
        let ids = store.sessionIDs()
        if ids.isEmpty {
            Console.error("no sessions in \(store.root.path)")
            return
        }
        let width = ids.map(\.count).max() ?? 0
        for id in ids {
            let name = id.padding(toLength: width, withPad: " ", startingAt: 0)
            do {
                let replay = try store.replay(of: id)
                let created = replay.header.map { SessionText.time($0.createdAt) } ?? "(no header)     "
                print("\(name)  created \(created)  \(SessionText.counts(replay.queue))")
            } catch {
                print("\(name)  (unreadable: \(error))")
            }
        }
    }
}
