import ArgumentParser
import Foundation
import StudioCore

/// `dit-studio sessions resume ID`: opens a session and runs what it has queued, headless, like
/// `run`: progress on standard error, the path of each image written on standard output.
struct SessionsResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Run a session's remaining queue headless and print the paths of the images it wrote.",
        discussion: """
            Opening the session checks its journal against the images on disk: a job that was \
            running when its studio stopped is done if its image was written, else queued again \
            at the front. A paused queue is resumed. Interrupted, it stops cleanly and the \
            unfinished jobs stay queued.
            """
    )

    @Argument(help: "The session's id (see `dit-studio sessions list`).")
    var id: String

    @OptionGroup var root: SessionRootOption

    func run() throws {
        let store = root.store
        _ = try SessionText.lookUp(id, in: store)
        ProcessSignals.stopGracefully()
        let worker = Worker(engine: DiTGenerationEngine.factory(), previews: .never)
        let session = try Session.open(id: id, in: store, worker: worker)
        defer { session.close() }
        for note in session.openingNotes { Console.error("note: \(note)") }

        // Opening has already handed the first job to the worker.
        let left = session.queue.pending.count + (session.queue.running == nil ? 0 : 1)
        guard left > 0 else {
            Console.error("session \(id): nothing queued")
            return
        }
        Console.error("session \(id): \(left) job\(left == 1 ? "" : "s") queued")
        if session.queue.isPaused { try session.resume() }

        let display = RunProgressDisplay()
        let failedBefore = Set(session.queue.historyJobs.filter { $0.state == .failed }.map(\.id))
        var written: [JobID] = []
        let outcome = session.run(until: nil, stop: ProcessSignals.stopRequest) { update in
            for event in update.events {
                display.show(event)
                if case let .finished(job, _, _) = event { written.append(job) }
            }
            update.problems.forEach { display.show(.problem($0)) }
        }
        display.finish()
        for job in written { if let url = session.imageURL(of: job) { print(url.path) } }
        var failures: [JobID: String] = [:]
        for job in session.queue.historyJobs where job.state == .failed && !failedBefore.contains(job.id) {
            failures[job.id] = job.error ?? "failed"
        }
        display.reportRemaining(failures)
        switch outcome {
        case .finished:
            if !failures.isEmpty { throw ExitCode.failure }
        case .stopped:
            throw ProcessSignals.interrupted(detail: RunCommand.resumeHint(session))
        case let .stalled(reason):
            display.error(reason)
            throw ExitCode.failure
        case .paused:
            display.error(PresetError.queuePaused.description)
            throw ExitCode.failure
        case .timedOut:
            throw ExitCode.failure
        }
    }
}
