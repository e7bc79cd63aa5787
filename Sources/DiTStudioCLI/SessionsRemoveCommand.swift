import ArgumentParser
import Foundation
import StudioCore

/// `dit-studio sessions remove ID --yes`: deletes a session's folder.
struct SessionsRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Delete a session's folder (its journal and the images in it).",
        discussion: """
            Only the session's folder is removed: images it wrote to another folder (run \
            --out-dir) stay. It asks no question; without --yes it refuses and says what would \
            go. A session open in a studio is not removed.
            """
    )

    @Argument(help: "The session's id (see `dit-studio sessions list`).")
    var id: String

    @Flag(help: "Really remove it.")
    var yes = false

    @OptionGroup var root: SessionRootOption

    func run() throws {
        let store = root.store
        _ = try SessionText.lookUp(id, in: store)
        let directory = store.directory(for: id)
        guard yes else {
            throw ValidationError("sessions remove deletes \(directory.path) and everything in it; pass --yes to do it")
        }
        try store.removeSession(id)
        Console.error("removed session \(id) (\(directory.path))")
    }
}
