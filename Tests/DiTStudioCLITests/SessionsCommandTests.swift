import Foundation
import StudioCore
import XCTest

/// `dit-studio run` and `dit-studio sessions` together: run checks its arguments before it makes a
/// session, ends (never hangs) when its journal cannot be written, prints what it finished when
/// interrupted; `sessions list / show / resume / remove` see and finish what it left.
final class SessionsCommandTests: XCTestCase {
    private let fixtureModel = repositoryRoot.appendingPathComponent("Tests/Fixtures/reference/latent_vae_a").path

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    /// The session id `run` announced on standard error.
    private func sessionID(_ standardError: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard let announced = lines(standardError).first(where: { $0.hasPrefix("session ") }) else {
            XCTFail("no session announced: \(standardError)", file: file, line: line)
            return ""
        }
        return String(announced.dropFirst("session ".count).prefix { $0 != " " })
    }

    func testRunChecksItsArgumentsBeforeMakingASession() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let root = directory.appendingPathComponent("sessions")
        let file = directory.appendingPathComponent("a-file")
        try Data().write(to: file)
        let cases: [([String], String)] = [
            (["--model", "/nonexistent/model"], "no such directory"),
            (["--out-dir", file.path], "not a directory"),
            (["--steps", "0"], "--steps must be between 1 and 10000"),
            (["--prompt", "   "], "has no default prompt"),
        ]
        for (extra, reason) in cases {
            let result = try runDiTStudio(["run", "draft", "--session-root", root.path] + extra, within: 60)
            XCTAssertEqual(result.status, 2, "\(extra): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(reason), "\(extra): \(result.standardError)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: root.path), "\(extra): a session folder was made")
        }
    }

    /// `run` used to wait forever once the journal could not record a job's start.
    func testAJournalThatCannotRecordAStartEndsRunAndResumeFinishesTheJob() throws {
        let root = try makeCLITemporaryDirectory(for: self).appendingPathComponent("sessions")
        let arguments = ["run", "draft", "--prompt", "a red circle", "--steps", "1", "--seed", "3", "--model", fixtureModel,
                         "--session-root", root.path]
        let first = try runDiTStudio(arguments, within: 120)
        XCTAssertEqual(first.status, 0, first.standardError)
        let firstID = sessionID(first.standardError)
        // Where the journal's "started" line begins: a second run's journal is the same up to there.
        let text = try String(contentsOf: root.appendingPathComponent("\(firstID)/journal.jsonl"), encoding: .utf8)
        let startedLine = try XCTUnwrap(lines(text).first { $0.contains(#""type":"started""#) })
        let startedAt = try XCTUnwrap(text.range(of: startedLine)).lowerBound
        let limit = text.utf8.distance(from: text.startIndex, to: startedAt) + 20  // the line cannot fit

        let stalled = try runDiTStudio(arguments, fileSizeLimit: limit, within: 120)
        XCTAssertNil(stalled.killedBy)
        XCTAssertEqual(stalled.status, 1, stalled.standardError)
        XCTAssertEqual(stalled.standardOutput, "")
        let id = sessionID(stalled.standardError)
        XCTAssertTrue(stalled.standardError.contains("error: cannot start job #1: \(root.path)/\(id)/journal.jsonl: cannot write the journal: "
                                                     + String(cString: strerror(EFBIG))), stalled.standardError)

        let listed = try runDiTStudio(["sessions", "list", "--session-root", root.path], within: 30)
        XCTAssertEqual(listed.status, 0, listed.standardError)
        XCTAssertEqual(lines(listed.standardOutput).count, 2, listed.standardOutput)
        XCTAssertTrue(lines(listed.standardOutput)[0].hasPrefix(firstID + "  created "), listed.standardOutput)
        XCTAssertTrue(lines(listed.standardOutput)[0].hasSuffix("done 1, queued 0, failed 0"), listed.standardOutput)
        XCTAssertTrue(lines(listed.standardOutput)[1].hasPrefix(id + "  created "), listed.standardOutput)
        XCTAssertTrue(lines(listed.standardOutput)[1].hasSuffix("done 0, queued 1, failed 0"), listed.standardOutput)

        let shown = try runDiTStudio(["sessions", "show", id, "--session-root", root.path], within: 30)
        XCTAssertEqual(shown.status, 0, shown.standardError)
        XCTAssertTrue(shown.standardOutput.contains("Folder:   \(root.path)/\(id)\n"), shown.standardOutput)
        XCTAssertTrue(shown.standardOutput.contains("  #1  queued       seed 3  1 steps  \"a red circle\""), shown.standardOutput)

        let resumed = try runDiTStudio(["sessions", "resume", id, "--session-root", root.path], within: 120)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        let image = "\(root.path)/\(id)/0001-3.png"
        XCTAssertEqual(resumed.standardOutput, image + "\n")
        XCTAssertEqual(try ImageMetadata(contentsOf: URL(fileURLWithPath: image)).provenance?.session, id)

        let again = try runDiTStudio(["sessions", "show", id, "--session-root", root.path], within: 30)
        XCTAssertTrue(again.standardOutput.contains("  #1  done         seed 3  1 steps  \"a red circle\"  \(image)"), again.standardOutput)
        let nothing = try runDiTStudio(["sessions", "resume", id, "--session-root", root.path], within: 60)
        XCTAssertEqual(nothing.status, 0)
        XCTAssertEqual(nothing.standardOutput, "")
        XCTAssertTrue(nothing.standardError.contains("nothing queued"), nothing.standardError)

        let unconfirmed = try runDiTStudio(["sessions", "remove", id, "--session-root", root.path], within: 30)
        XCTAssertEqual(unconfirmed.status, 2)
        XCTAssertTrue(unconfirmed.standardError.contains("pass --yes"), unconfirmed.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: image))
        let removed = try runDiTStudio(["sessions", "remove", id, "--yes", "--session-root", root.path], within: 30)
        XCTAssertEqual(removed.status, 0, removed.standardError)
        XCTAssertEqual(try namesIn(root).filter { !$0.hasPrefix(".") }, [firstID])

        for command in ["show", "resume", "remove"] {
            let unknown = try runDiTStudio(["sessions", command, "../sessions", "--session-root", root.path]
                                           + (command == "remove" ? ["--yes"] : []), within: 30)
            XCTAssertEqual(unknown.status, 2, "\(command): \(unknown.standardError)")
            XCTAssertTrue(unknown.standardError.contains("no session '../sessions'"), unknown.standardError)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.path))
    }

    func testAnInterruptedRunPrintsWhatItFinishedAndResumeRunsTheRest() throws {
        let root = try makeCLITemporaryDirectory(for: self).appendingPathComponent("sessions")
        let running = try RunningDiTStudio(["run", "batch-of-eight", "--prompt", "a red circle", "--steps", "40", "--seed", "3",
                                            "--model", fixtureModel, "--session-root", root.path])
        XCTAssertTrue(running.wait(upTo: 120) { running.standardError.contains("job #1: ") }, running.standardError)
        running.send(SIGINT)
        let result = running.finish(within: 120)
        XCTAssertNil(result.killedBy)
        XCTAssertEqual(result.status, 130, result.standardError)
        let id = sessionID(result.standardError)
        let finished = lines(result.standardOutput)
        XCTAssertGreaterThanOrEqual(finished.count, 1)
        XCTAssertLessThan(finished.count, 8, "the run was stopped before its end")
        for path in finished { XCTAssertTrue(FileManager.default.fileExists(atPath: path), path) }
        XCTAssertTrue(result.standardError.contains("interrupted by SIGINT; \(8 - finished.count) unfinished jobs stay queued: "
                                                    + "dit-studio sessions resume \(id)"), result.standardError)
        XCTAssertFalse(try namesIn(root.appendingPathComponent(id)).contains { $0.hasSuffix(".tmp") })

        let listed = try runDiTStudio(["sessions", "list", "--session-root", root.path], within: 30)
        XCTAssertTrue(listed.standardOutput.hasSuffix("done \(finished.count), queued \(8 - finished.count), failed 0\n"),
                      listed.standardOutput)
        let resumed = try runDiTStudio(["sessions", "resume", id, "--session-root", root.path], within: 300)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        let rest = lines(resumed.standardOutput)
        XCTAssertEqual(rest.count, 8 - finished.count, resumed.standardOutput)
        XCTAssertEqual(Set(rest).intersection(finished), [])
        for path in rest { XCTAssertTrue(FileManager.default.fileExists(atPath: path), path) }
        let done = try runDiTStudio(["sessions", "list", "--session-root", root.path], within: 30)
        XCTAssertTrue(done.standardOutput.hasSuffix("done 8, queued 0, failed 0\n"), done.standardOutput)
    }

    /// A job whose image cannot be written (a file-size limit) fails; the failure is printed once.
    func testAJobThatCannotSaveItsImageIsReportedOnce() throws {
        let root = try makeCLITemporaryDirectory(for: self).appendingPathComponent("sessions")
        let result = try runDiTStudio(["run", "draft", "--prompt", "a red circle", "--steps", "1", "--seed", "3",
                                       "--model", fixtureModel, "--session-root", root.path], fileSizeLimit: 2000, within: 120)
        XCTAssertNil(result.killedBy)
        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertEqual(result.standardOutput, "")
        let failures = lines(result.standardError).filter { $0.contains("job #1") }
        XCTAssertEqual(failures.count, 1, result.standardError)
        XCTAssertTrue(failures.first?.hasPrefix("error: job #1: cannot save the image: ") == true, result.standardError)
        XCTAssertTrue(failures.first?.contains(String(cString: strerror(EFBIG))) == true, result.standardError)
        let id = sessionID(result.standardError)
        XCTAssertEqual(try namesIn(root.appendingPathComponent(id)), ["journal.jsonl"], "no image, no temporary file")
    }
}
