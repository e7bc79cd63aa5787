import StudioCore
import XCTest
@testable import StudioTUI

/// A batch in the history shows as a contact sheet in the preview pane, and ←/→ step through it.
final class ContactSheetTests: XCTestCase {
    /// A single image (#1, seed 1000), then a batch of four (#2–#5, seeds 1001–1004), all finished.
    private func stateWithABatch() throws -> AppState {
        var state = makeState()
        var queue = JobQueue()
        var generator = SystemRandomNumberGenerator()
        let now = Timestamp.now()
        var single = GenerateParameters(prompt: "a red circle")
        single.seed = 1000
        _ = try queue.enqueue(JobRequest(parameters: single), now: now, using: &generator)
        var batch = GenerateParameters(prompt: "a blue square")
        batch.seed = 1001
        _ = try queue.enqueue(JobRequest(parameters: batch, seedPolicy: .increment, count: 4), now: now, using: &generator)
        while let event = try queue.startNext(now: now, outputPath: { $0.imageFileName }) {
            if case let .started(id, _, _) = event { try queue.apply(.finished(id, output: "x.png", at: now, seconds: 1)) }
        }
        state.session.queue = queue
        return state
    }

    private func image(_ value: UInt8) -> RGBImage {
        RGBImage(width: 64, height: 64, pixels: [UInt8](repeating: value, count: 64 * 64 * 3))
    }

    func testTheBatchOfAJobIsItsSiblingsInBatchOrder() throws {
        let state = try stateWithABatch()
        let third = try XCTUnwrap(state.session.queue[JobID(4)])
        XCTAssertEqual(state.batchJobs(of: third).map(\.id.number), [2, 3, 4, 5])
        XCTAssertEqual(state.batchJobs(of: try XCTUnwrap(state.session.queue[JobID(1)])).map(\.id.number), [1])
    }

    func testSelectingABatchImageLoadsTheWholeBatchAndArrowsStepThroughIt() throws {
        var state = try stateWithABatch()
        let effects = press([.tab, .tab], &state)
        XCTAssertEqual(state.focus, .history)
        XCTAssertEqual(state.selectedHistoryJob?.id, JobID(5), "the newest image")
        XCTAssertEqual(effects, [5, 2, 3, 4].map { Effect.loadImage(JobID($0)) }, "the selected image, then the rest of its batch")
        for number in 2...5 { Reducer.reduce(&state, .imageLoaded(JobID(number), image(UInt8(number * 10)))) }
        XCTAssertEqual(Set(state.sheetImages.keys), Set([2, 3, 4, 5].map(JobID.init)))
        XCTAssertEqual(state.contactSheetJob?.id, JobID(5))

        XCTAssertEqual(press([.right], &state), [.loadImage(JobID(2))], "past the last image of the batch: back to its first")
        XCTAssertEqual(state.selectedHistoryJob?.id, JobID(2))
        press([.right], &state)
        XCTAssertEqual(state.selectedHistoryJob?.id, JobID(3))
        press([.left, .left], &state)
        XCTAssertEqual(state.selectedHistoryJob?.id, JobID(5))

        // The single image before the batch: no sheet, and ←/→ say why they do nothing.
        press([.down, .down, .down, .down], &state)
        XCTAssertEqual(state.selectedHistoryJob?.id, JobID(1))
        press([.right], &state)
        XCTAssertEqual(state.selectedHistoryJob?.id, JobID(1))
        XCTAssertTrue(state.status?.text.contains("single image") ?? false, "\(String(describing: state.status))")
        Reducer.reduce(&state, .imageLoaded(JobID(1), image(7)))
        XCTAssertNil(state.contactSheetJob)
        XCTAssertEqual(Set(state.sheetImages.keys), Set([2, 3, 4, 5].map(JobID.init)), "a single image is no thumbnail")
    }

    func testTheSheetShowsEveryThumbnailWithItsSeedAndGSwitchesToOneImage() throws {
        var state = try stateWithABatch()
        press([.tab, .tab], &state)
        for number in 2...5 { Reducer.reduce(&state, .imageLoaded(JobID(number), image(UInt8(40 * (number - 1))))) }
        let screen = StudioView.render(state, context: testContext)
        XCTAssertTrue(screen.text.contains("Batch · #2–#5 · 4/4 done"), screen.text)
        for seed in 1001...1004 { XCTAssertTrue(screen.text.contains("seed \(seed)"), "seed \(seed) is not labelled") }
        XCTAssertTrue(screen.text.contains("▸ #5 seed 1004"), "the selected image is marked")
        // Each thumbnail in its own cell of a 2 × 2 grid, in its own grey.
        let inner = ScreenLayout(size: state.size).preview.inner
        let grid = ContactSheetGrid(count: 4, width: inner.width, height: inner.height, imageWidth: 64, imageHeight: 64)
        for index in 0..<4 {
            let cell = grid.cell(index, in: inner)
            let grey = UInt8(40 * (index + 1))
            let colour = HalfBlockRenderer.cellColor(RGB8(grey, grey, grey), mode: .xterm256)
            let cells = (cell.top..<cell.bottom - 1).flatMap { row in (cell.left..<cell.right).map { screen[$0, row] } }
            XCTAssertTrue(cells.contains { $0.style.background == colour }, "thumbnail \(index + 1) is not in its cell")
        }

        press([.character("g")], &state)
        let single = StudioView.render(state, context: testContext)
        XCTAssertFalse(single.text.contains("Batch ·"))
        XCTAssertTrue(single.text.contains("#5 · "), single.text)
    }

    func testTheSelectionStaysOnItsImageWhileNewOnesFinish() throws {
        var state = try stateWithABatch()
        press([.tab, .tab, .down, .down, .down], &state)
        XCTAssertEqual(state.selectedHistoryJob?.id, JobID(2))
        var queue = state.session.queue
        var generator = SystemRandomNumberGenerator()
        let now = Timestamp.now()
        _ = try queue.enqueue(JobRequest(parameters: GenerateParameters(prompt: "more")), now: now, using: &generator)
        if case let .started(id, _, _)? = try queue.startNext(now: now, outputPath: { $0.imageFileName }) {
            try queue.apply(.finished(id, output: "y.png", at: now, seconds: 1))
        }
        var snapshot = state.session
        snapshot.queue = queue
        Reducer.reduce(&state, .session(snapshot, problems: []))
        XCTAssertEqual(state.historyRows.first?.id, JobID(6))
        XCTAssertEqual(state.selectedHistoryJob?.id, JobID(2), "the new image on top does not move the selection")
    }

    func testTheGridGivesTheThumbnailsTheLargestSize() {
        // 4 square images in 60 × 30 cells (a cell is 1 pixel wide and 2 tall; one row per label):
        // 1 column: min(60/64, 2·6/64) = 0.19; 2: min(30/64, 2·14/64) = 0.44; 3: min(20/64, 2·14/64) = 0.31; 4: min(15/64, 2·29/64) = 0.23.
        XCTAssertEqual(ContactSheetGrid(count: 4, width: 60, height: 30, imageWidth: 64, imageHeight: 64),
                       ContactSheetGrid(columns: 2, rows: 2))
        // 3 images in a wide, low pane: side by side. 3 columns: min(40/64, 2·9/64) = 0.28; 2: min(60/64, 2·4/64) = 0.13.
        XCTAssertEqual(ContactSheetGrid(count: 3, width: 120, height: 10, imageWidth: 64, imageHeight: 64),
                       ContactSheetGrid(columns: 3, rows: 1))
    }
}
