import StudioCore
@testable import StudioTUI

/// A state as the studio starts: 120×40, empty session, default settings.
func makeState(columns: Int = 120, rows: Int = 40) -> AppState {
    var parameters = GenerateParameters(prompt: "")
    parameters.seed = 100
    return AppState(size: TerminalSize(columns: columns, rows: rows), settings: StudioSettings(parameters: parameters),
                    session: SessionSnapshot(id: "2026-11-30-a", modelName: "shapes-mmdit"), themeName: "dusk")
}

let testContext = RenderContext(theme: Theme.fallback, colorMode: .xterm256)

/// Feeds keys to the reducer, collecting effects.
@discardableResult
func press(_ keys: [Key], _ state: inout AppState) -> [Effect] {
    keys.flatMap { Reducer.reduce(&state, .input(.key($0))) }
}

func type(_ text: String, _ state: inout AppState) -> [Effect] {
    press(text.map { Key.character($0) }, &state)
}

/// A queue with jobs in it: `done` finished ones, then one running and `queued` waiting.
func makeQueue(done: Int, running: Bool, queued: Int) throws -> JobQueue {
    var queue = JobQueue()
    var generator = SystemRandomNumberGenerator()
    let now = Timestamp.now()
    for index in 0..<(done + (running ? 1 : 0) + queued) {
        var parameters = GenerateParameters(prompt: "prompt \(index + 1)")
        parameters.seed = UInt64(1000 + index)
        _ = try queue.enqueue(JobRequest(parameters: parameters), now: now, using: &generator)
    }
    for _ in 0..<done {
        guard let event = try queue.startNext(now: now, outputPath: { $0.imageFileName }) else { break }
        if case let .started(id, _, _) = event {
            try queue.apply(.finished(id, output: "x.png", at: now, seconds: 1))
        }
    }
    if running { _ = try queue.startNext(now: now, outputPath: { $0.imageFileName }) }
    return queue
}
