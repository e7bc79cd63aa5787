import DiTEngine
import Foundation
import XCTest
@testable import StudioCore

/// Cache levels: their names, a model's calibration in studio.json (read, refused with the key
/// named, or missing: the fallback and its notice), presets, and the PNG metadata round trip.
final class CacheLevelTests: XCTestCase {
    private func studioJSON(_ text: String) throws -> URL {
        let directory = try makeTemporaryDirectory(for: self)
        try Data(text.utf8).write(to: directory.appendingPathComponent("studio.json"))
        return directory
    }

    func testLevelNamesAndUnknownNames() {
        XCTAssertEqual(CachingLevel.levels.map(\.rawValue), ["off", "fast", "faster"])
        for level in ["off", "fast", "faster"] { XCTAssertNil(CachingLevel.problem(level), level) }
        XCTAssertEqual(CachingLevel.problem("turbo"), "'turbo' is not a cache level (use off, fast, faster)")
        XCTAssertEqual(CachingLevel.problem("Fast"), "'Fast' is not a cache level (use off, fast, faster)")
        XCTAssertEqual(DiTGenerationEngine.capabilities.cachingLevels, CachingLevel.levels)
        XCTAssertNil(DiTGenerationEngine.capabilities.refusal(forCaching: .faster))
    }

    func testACalibrationInStudioJSONBecomesTheEnginesPlans() throws {
        let directory = try studioJSON("""
            {"steps": 20, "cache": {
              "fast": {"residual_threshold": 0.2, "residual_max_skips": 3, "share_guidance_from": 0.75},
              "faster": {"block_reuse": {"blocks": 2, "interval": 3, "switch_at": 0.4}}}}
            """)
        let defaults = try ModelStudioDefaults(modelDirectory: directory)
        let fast = defaults.cachePlan(for: .fast, layers: 6)
        XCTAssertEqual(fast.plan, CachePlan(residualReuse: .init(threshold: 0.2, maxSkips: 3),
                                            guidanceSharing: .init(from: 0.75)))
        XCTAssertNil(fast.notice)
        XCTAssertEqual(defaults.cachePlan(for: .faster, layers: 6).plan,
                       CachePlan(blockReuse: .init(blocks: 2, interval: 3, switchAt: 0.4)))
        XCTAssertNil(defaults.cachePlan(for: .off, layers: 6).plan)
        XCTAssertNil(defaults.cachePlan(for: .off, layers: 6).notice)
    }

    /// A model without calibration: block reuse on a third (fast) or half (faster) of its blocks,
    /// every other step, with a notice saying so.
    func testAnUncalibratedModelFallsBackToBlockReuseWithANotice() throws {
        let defaults = try ModelStudioDefaults(modelDirectory: try studioJSON("{\"steps\": 20}"))
        let fast = defaults.cachePlan(for: .fast, layers: 6)
        XCTAssertEqual(fast.plan, CachePlan(blockReuse: .init(blocks: 2, interval: 2)))
        XCTAssertTrue(fast.notice?.contains("no calibration for cache level 'fast'") == true, "\(fast.notice ?? "nil")")
        XCTAssertEqual(defaults.cachePlan(for: .faster, layers: 6).plan, CachePlan(blockReuse: .init(blocks: 3, interval: 2)))
        XCTAssertEqual(ModelStudioDefaults().cachePlan(for: .fast, layers: 2).plan, CachePlan(blockReuse: .init(blocks: 1, interval: 2)))
        // A calibration of the other level only: this one still falls back.
        let half = try ModelStudioDefaults(modelDirectory: try studioJSON("{\"cache\": {\"fast\": {\"residual_threshold\": 0.1}}}"))
        XCTAssertNotNil(half.cachePlan(for: .faster, layers: 6).notice)
        XCTAssertNil(half.cachePlan(for: .fast, layers: 6).notice)
    }

    func testABadCalibrationNamesItsKey() throws {
        let cases: [(String, String)] = [
            ("{\"cache\": {\"fastest\": {}}}", "key 'cache.fastest': is not a known key (known: fast, faster)"),
            ("{\"cache\": {\"fast\": {\"residual_treshold\": 0.1}}}",
             "key 'cache.fast.residual_treshold': is not a known key (known: residual_threshold, residual_max_skips, block_reuse, share_guidance_from)"),
            ("{\"cache\": {\"fast\": {\"block_reuse\": {\"blocks\": 2, \"interval\": 2, \"every\": 1}}}}",
             "key 'cache.fast.block_reuse.every': is not a known key (known: blocks, interval, switch_at)"),
            ("{\"cache\": {\"fast\": {\"block_reuse\": {\"blocks\": 2}}}}", "key 'cache.fast.block_reuse.interval': is missing"),
            ("{\"cache\": {\"fast\": {\"residual_threshold\": \"low\"}}}",
             "key 'cache.fast.residual_threshold': expected to decode Double but found a string instead"),
            ("{\"cache\": {\"fast\": {\"residual_threshold\": -0.1}}}", "key 'cache.fast.residual_threshold': must be a number ≥ 0 (got -0.1)"),
            ("{\"cache\": {\"faster\": {\"residual_max_skips\": 2}}}",
             "key 'cache.faster.residual_max_skips': needs residual_threshold (it limits the residual cache's skips)"),
            ("{\"cache\": {\"faster\": {\"block_reuse\": {\"blocks\": 0, \"interval\": 2}}}}",
             "key 'cache.faster.block_reuse.blocks': must be at least 1 (got 0)"),
            ("{\"cache\": {\"faster\": {\"block_reuse\": {\"blocks\": 1, \"interval\": 2, \"switch_at\": 1.5}}}}",
             "key 'cache.faster.block_reuse.switch_at': must be a fraction of the schedule in [0, 1] (got 1.5)"),
            ("{\"cache\": {\"fast\": {\"share_guidance_from\": 2}}}",
             "key 'cache.fast.share_guidance_from': must be a fraction of the schedule in [0, 1] (got 2.0)"),
            ("{\"cache\": \"fast\"}", "key 'cache': expected to decode Dictionary<String, Any> but found a string instead"),
        ]
        for (text, reason) in cases {
            let directory = try studioJSON(text)
            XCTAssertThrowsError(try ModelStudioDefaults(modelDirectory: directory), text) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix(directory.appendingPathComponent("studio.json").path + ": "), message)
                XCTAssertTrue(message.contains(reason), "\(message)\nexpected: \(reason)")
                XCTAssertEqual((error as? CategorizedError)?.category, .badInput)
            }
        }
    }

    /// The shipped model carries a calibration for both levels.
    func testTheBuiltInModelIsCalibrated() throws {
        let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/shapes-mmdit")
        let defaults = try ModelStudioDefaults(modelDirectory: model)
        XCTAssertNotNil(defaults.cache?.fast)
        XCTAssertNotNil(defaults.cache?.faster)
        XCTAssertNil(defaults.cachePlan(for: .faster, layers: 6).notice)
    }

    func testPresetsNameTheLevelWithCacheOrCaching() throws {
        let loader = PresetLoader(capabilities: DiTGenerationEngine.capabilities)
        func settings(_ text: String) throws -> PresetSettings {
            try loader.load(text: text, file: "test.toml", source: .user(path: "test.toml")).0.settings
        }
        XCTAssertEqual(try settings("[settings]\ncache = \"fast\"").caching, .fast)
        XCTAssertEqual(try settings("[settings]\ncaching = \"faster\"").caching, .faster)
        XCTAssertEqual(try settings("[settings]\nsteps = 4").caching, .off)
        let cases: [(String, String)] = [
            ("[settings]\ncache = \"turbo\"", "test.toml:2: key 'settings.cache': 'turbo' is not a cache level (use off, fast, faster)"),
            ("[settings]\ncache = \"fast\"\ncaching = \"fast\"", "key 'settings.caching': says the same as `cache`; keep one of the two"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try settings(text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }

    /// The level travels in both metadata chunks and comes back from each.
    func testTheLevelRoundTripsThroughBothMetadataChunks() throws {
        var parameters = GenerateParameters(prompt: "a red circle", seed: 5, steps: 20, guidance: 3, shift: 1, width: 64, height: 64)
        parameters.caching = .faster
        let model = ModelDescription(name: "shapes-mmdit", path: nil, sizeMultiple: 16, maxSide: 256)
        let provenance = ImageProvenance(session: nil, jobID: nil, kind: .generate, parameters: parameters, seedPolicy: .fixed,
                                         model: model, createdAt: Timestamp(millisecondsSince1970: 1_795_600_800_000))
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("cached.png")
        try PNGFile.write(RGBImage(width: 4, height: 4, fill: RGB8(1, 2, 3)),
                          textChunks: try ImageMetadata.textChunks(for: provenance), to: url)
        let png = try PNGFile.read(from: url)
        let metadata = ImageMetadata(png: png)
        XCTAssertEqual(try metadata.jobRequest(defaults: GenerateParameters(prompt: ""),
                                               capabilities: DiTGenerationEngine.capabilities).request.parameters.caching, .faster)
        let text = try XCTUnwrap(metadata.parametersText)
        XCTAssertTrue(text.contains("Caching: faster"), text)
        // The parameters chunk alone (as another tool would keep it).
        var stripped = png
        stripped.textChunks = png.textChunks.filter { $0.keyword == "parameters" }
        let onlyParameters = ImageMetadata(png: stripped)
        XCTAssertNil(onlyParameters.provenance)
        XCTAssertEqual(try onlyParameters.jobRequest(defaults: GenerateParameters(prompt: ""),
                                                     capabilities: DiTGenerationEngine.capabilities).request.parameters.caching, .faster)
    }
}
