import DiTEngine
import Foundation
import XCTest
@testable import StudioCore

/// The studio's preview setting with the real engine on the small latent reference model
/// (Tests/Fixtures/reference/latent_vae_a) given a preview map (Tests/Fixtures/preview/map_k3.json,
/// made by Training/reference/make_preview_map_fixtures.py).
final class PreviewChoiceSessionTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// The reference model's parts linked into a fresh directory, with `previewMap` as its map.
    private func model(previewMap: String) throws -> String {
        let source = Self.fixtures.appendingPathComponent("reference/latent_vae_a")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("preview-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        for part in ["model_index.json", "scheduler", "text_encoder", "tokenizer", "transformer", "vae"] {
            try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent(part),
                                                       withDestinationURL: source.appendingPathComponent(part))
        }
        try Data(previewMap.utf8).write(to: directory.appendingPathComponent("preview_map.json"))
        return directory.path
    }

    /// The previews of one 3-step job and its saved image, with `choice`.
    private func run(_ choice: PreviewChoice, model: String) throws -> (previews: [RGBImage], image: RGBImage, problems: [String]) {
        let fixture = try StudioFixture(testCase: self)
        // Every step's event is kept (no coalescing): a fast engine can post two steps before the
        // session drains, and these tests count and compare each step's preview.
        let worker = Worker(engine: DiTGenerationEngine.factory(), previews: .everyStep,
                            inbox: EventInbox(coalescesSteps: false))
        addTeardownBlock { worker.shutdown(timeout: 30) }
        worker.previewChoice = choice
        let session = try fixture.createSession(worker: worker)
        let parameters = GenerateParameters(prompt: "a large red circle", seed: 7, steps: 3, guidance: 4, shift: 3,
                                            width: 32, height: 32, model: model)
        let id = try XCTUnwrap(try session.enqueue(JobRequest(parameters: parameters)).first)
        var events: [WorkerEvent] = []
        var problems: [String] = []
        XCTAssertTrue(session.runUntilIdle(timeout: 300) { update in
            events += update.events
            problems += update.problems
        })
        XCTAssertEqual(session.queue[id]?.state, .done, "\(events)")
        let previews = events.compactMap { event -> RGBImage? in
            if case let .step(_, _, preview) = event { return preview }
            return nil
        }
        let image = try PNGFile.read(from: XCTUnwrap(session.imageURL(of: id))).image
        return (previews, image, problems)
    }

    private func mapText() throws -> String {
        try String(contentsOf: Self.fixtures.appendingPathComponent("preview/map_k3.json"), encoding: .utf8)
    }

    func testAutoPreviewsCheaplyAndEndsOnTheExactImage() throws {
        let directory = try model(previewMap: mapText())
        let exact = try run(.exact, model: directory)
        let auto = try run(.auto, model: directory)
        let approximate = try run(.approximate, model: directory)
        XCTAssertEqual(exact.previews.count, 3)
        XCTAssertEqual(auto.previews.count, 3)
        XCTAssertEqual(auto.image, exact.image, "the preview setting never changes the image")
        XCTAssertEqual(approximate.image, exact.image)
        XCTAssertEqual(exact.previews.last, exact.image, "Euler's last x₀ is the final image")
        XCTAssertEqual(auto.previews.last, exact.image, "auto ends on the exact decode")
        XCTAssertNotEqual(auto.previews.first, exact.previews.first, "auto previews the first steps through the map")
        XCTAssertEqual(auto.previews.first, approximate.previews.first)
        XCTAssertNotEqual(approximate.previews.last, exact.image, "approximate stays approximate to the end")
        XCTAssertTrue(auto.problems.isEmpty, "\(auto.problems)")
    }

    func testACorruptMapIsNamedOnceAndPreviewsFallBackToTheExactDecode() throws {
        let directory = try model(previewMap: "{\"format\": \"dit-studio-latent-preview-map\", \"version\": 1, \"latent_channels\": 4, \"weights\": [")
        let approximate = try run(.approximate, model: directory)
        XCTAssertEqual(approximate.problems.count, 1, "\(approximate.problems)")
        let notice = try XCTUnwrap(approximate.problems.first)
        XCTAssertTrue(notice.contains(directory + "/preview_map.json"), notice)
        XCTAssertTrue(notice.contains("exact VAE decode"), notice)
        XCTAssertEqual(approximate.previews.last, approximate.image, "previews fell back to the exact decode")
    }
}
