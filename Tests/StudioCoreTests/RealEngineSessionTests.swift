import Foundation
import XCTest
@testable import StudioCore

/// The session with the real engine (`DiTGenerationEngine`) on a tiny reference model
/// (Tests/Fixtures/reference/latent_vae_a, made by Training/reference/make_fixtures.py): a job is
/// generated and saved, its metadata read back, and re-running it gives identical pixels.
final class RealEngineSessionTests: XCTestCase {
    private let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference/latent_vae_a").path

    func testGenerateSaveReadBackAndRerunToIdenticalPixels() throws {
        let fixture = try StudioFixture(testCase: self)
        let worker = Worker(engine: DiTGenerationEngine.factory(), previews: .everyStep)
        addTeardownBlock { worker.shutdown(timeout: 30) }
        let session = try fixture.createSession(worker: worker)
        var parameters = GenerateParameters(prompt: "a large red circle", seed: 99, steps: 3, guidance: 4, shift: 3,
                                            width: 32, height: 32, model: model)
        parameters.rng = .torch
        let first = try XCTUnwrap(try session.enqueue(JobRequest(parameters: parameters)).first)
        let events = runToIdle(session)
        XCTAssertEqual(session.queue[first]?.state, .done, "\(events)")
        let previews = events.compactMap { event -> RGBImage? in
            if case let .step(_, _, preview) = event { return preview }
            return nil
        }
        XCTAssertEqual(previews.count, 3, "one decoded x₀ preview per step")
        XCTAssertTrue(previews.allSatisfy { $0.width == 32 && $0.height == 32 })

        let url = try XCTUnwrap(session.imageURL(of: first))
        let metadata = try ImageMetadata(contentsOf: url)
        XCTAssertEqual(metadata.provenance?.parameters, parameters)
        XCTAssertEqual(metadata.provenance?.model?.name, "latent_vae_a")
        XCTAssertEqual(metadata.provenance?.model?.sizeMultiple, 8, "patch 2 × VAE factor 4")

        let request = try metadata.jobRequest(defaults: GenerateParameters(prompt: ""), capabilities: DiTGenerationEngine.capabilities)
        let again = try XCTUnwrap(try session.enqueue(request.request).first)
        runToIdle(session)
        let original = try PNGFile.read(from: url).image
        let rerun = try PNGFile.read(from: XCTUnwrap(session.imageURL(of: again))).image
        XCTAssertEqual(original, rerun)
        XCTAssertEqual(previews.last, original, "the last step's x₀ is the final image for Euler (σ ends at 0)")
    }

    func testAJobForAMissingModelFailsWithAMessageNamingIt() throws {
        let fixture = try StudioFixture(testCase: self)
        let worker = Worker(engine: DiTGenerationEngine.factory(), previews: .never)
        addTeardownBlock { worker.shutdown(timeout: 30) }
        let session = try fixture.createSession(worker: worker)
        let id = try XCTUnwrap(try session.enqueue(JobRequest(parameters: GenerateParameters(
            prompt: "x", steps: 1, width: 32, height: 32, model: "/nonexistent/model"))).first)
        runToIdle(session)
        XCTAssertEqual(session.queue[id]?.state, .failed)
        XCTAssertTrue(session.queue[id]?.error?.contains("/nonexistent/model") ?? false, session.queue[id]?.error ?? "")
    }
}
