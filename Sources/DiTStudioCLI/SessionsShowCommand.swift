import ArgumentParser
import Foundation
import StudioCore

/// `dit-studio sessions show ID`: a session's folder, its jobs in order and their images.
struct SessionsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a session's jobs and images.",
        discussion: "Reads the journal only: a session open in a studio can be shown."
    )

    @Argument(help: "The session's id (see `dit-studio sessions list`).")
    var id: String

    @OptionGroup var root: SessionRootOption

    func run() throws {
        let store = root.store
        let replay = try SessionText.lookUp(id, in: store)
        for note in replay.notes { Console.error("note: \(note)") }
        let directory = store.directory(for: id)
        let images = replay.imageDirectory(sessionDirectory: directory)
        var lines = ["Session:  \(id)", "Folder:   \(directory.path)"]
        if images.standardizedFileURL != directory.standardizedFileURL { lines.append("Images:   \(images.path)") }
        if let header = replay.header { lines.append("Created:  \(SessionText.time(header.createdAt))") }
        lines.append("Jobs:     \(SessionText.counts(replay.queue))")
        if replay.queue.isPaused { lines.append("The queue is paused (resume runs it).") }
        for job in replay.queue.jobs.values.sorted(by: { $0.id < $1.id }) {
            let state = job.state == .running ? "interrupted" : job.state.rawValue
            var line = "  \(job.id)  \(state.padding(toLength: 11, withPad: " ", startingAt: 0))  seed \(job.parameters.seed)"
                + "  \(job.parameters.steps) steps  \(job.parameters.prompt.debugDescription)"
            if job.state == .done, let output = job.output {
                let url = SessionReplay.url(forOutput: output, sessionDirectory: directory)
                line += "  \(url.path)" + (FileManager.default.fileExists(atPath: url.path) ? "" : " (missing)")
            }
            if job.state == .failed, let error = job.error { line += "  error: \(error)" }
            lines.append(line)
        }
        print(lines.joined(separator: "\n"))
    }
}
