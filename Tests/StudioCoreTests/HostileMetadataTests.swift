import Foundation
import XCTest
@testable import StudioCore

/// Images whose metadata is damaged or hostile: `jobRequest` gives the real reason, naming the
/// chunk and the key — never "no metadata" when there is some — and refuses what this engine
/// cannot run or this version cannot read, as presets refuse them.
final class HostileMetadataTests: XCTestCase {
    private var parameters: GenerateParameters {
        GenerateParameters(prompt: "a red circle", negativePrompt: "", seed: 7, steps: 3, guidance: 4, shift: 1,
                           sampler: .euler, rng: .torch, width: 32, height: 32)
    }

    /// Our record as JSON, with `change` applied to its dictionary.
    private func record(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let provenance = ImageProvenance(session: nil, jobID: nil, kind: .generate, parameters: parameters, seedPolicy: .fixed,
                                         model: nil, createdAt: nil)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: StudioJSON.encode(provenance)) as? [String: Any])
        change(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    private func setParameter(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { object in
            var parameters = object["parameters"] as? [String: Any] ?? [:]
            parameters[key] = value
            object["parameters"] = parameters
        }
    }

    /// The metadata of a PNG with a `dit-studio` chunk holding `studio` and, optionally, a `parameters` chunk.
    private func metadata(studio: String?, parameters a1111: String? = nil) throws -> ImageMetadata {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("hostile.png")
        var chunks: [PNGTextChunk] = []
        if let a1111 { chunks.append(PNGTextChunk(keyword: "parameters", text: a1111)) }
        if let studio { chunks.append(PNGTextChunk(keyword: "dit-studio", text: studio, kind: .internationalText)) }
        try PNGFile.write(RGBImage(width: 2, height: 2), textChunks: chunks, to: url)
        return try ImageMetadata(contentsOf: url)
    }

    private var a1111Text: String { A1111Parameters(kind: .generate, parameters: parameters, model: nil).text }

    /// Damaged records: each error names the chunk and (where there is one) the key. With a
    /// `parameters` chunk beside it, the job comes from that chunk instead, with a note saying why.
    func testDamagedRecordsSayWhatIsWrongAndWhere() throws {
        let cases: [(String, String?, String)] = [
            ("{}", "format", "is missing"),
            (try record(setParameter("steps", "20")), "parameters.steps", "expected to decode Int but found a string instead"),
            (try record(setParameter("guidance", ["deep": [1, 2]])), "parameters.guidance",
             "expected to decode Double but found a dictionary instead"),
            (try record { $0["kind"] = ["type": "morph"] }, "kind.type", "cannot initialize KindName from invalid String value morph"),
            (try record { $0.removeValue(forKey: "parameters") }, "parameters", "is missing"),
            ("garbage \u{1B}[2J", nil, "the given data was not valid JSON"),
            (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), nil,
             "nests arrays or objects more than 32 levels deep"),
            ("\"just a string\"", nil, "expected to decode Dictionary<String, Any> but found a string instead"),
        ]
        for (studio, key, reason) in cases {
            let alone = try metadata(studio: studio)
            XCTAssertNil(alone.provenance)
            XCTAssertThrowsError(try alone.jobRequest(defaults: parameters, capabilities: .generateOnly), studio.prefix(60).description) { error in
                XCTAssertEqual(error as? MetadataError,
                               .unreadableChunk(path: alone.path, keyword: "dit-studio", key: key, reason: reason), "\(error)")
                XCTAssertFalse("\(error)".contains("neither"), "\(error)")
            }

            let withParameters = try metadata(studio: studio, parameters: a1111Text)
            let recipe = try withParameters.jobRequest(defaults: GenerateParameters(prompt: ""), capabilities: .generateOnly)
            XCTAssertEqual(recipe.keyword, "parameters")
            XCTAssertEqual(recipe.request.parameters, parameters)
            XCTAssertEqual(recipe.notes.first, "\(withParameters.studioProblem!); read from the A1111 'parameters' chunk instead")
        }
    }

    /// A newer format, an invalid format, a job kind or caching level this engine lacks: refused
    /// even when a `parameters` chunk is there, since that chunk cannot say what the record meant.
    func testRecordsAskingForWhatThisEngineCannotDoAreRefused() throws {
        let cases: [(String, (String) -> MetadataError)] = [
            (try record { $0["format"] = 2 }, { .unsupportedFormat(path: $0, keyword: "dit-studio", format: 2, supported: 1) }),
            (try record { $0["format"] = 0 }, { .invalidValue(path: $0, keyword: "dit-studio", key: "format", reason: "must be between 1 and 1 (got 0)") }),
            (try record(setParameter("caching", "turbo")), {
                .unavailable(path: $0, keyword: "dit-studio", key: "parameters.caching",
                             reason: "feature caching 'turbo' is not available in this engine yet (available: off)")
            }),
            (try record { $0["kind"] = ["type": "regional", "layout": ["base_prompt": "x", "base_ratio": 0.2, "regions": []]] }, {
                .unavailable(path: $0, keyword: "dit-studio", key: "kind", reason: "regional prompting is not available in this engine yet")
            }),
        ]
        for (studio, expected) in cases {
            for a1111 in [nil, a1111Text] {
                let metadata = try metadata(studio: studio, parameters: a1111)
                XCTAssertThrowsError(try metadata.jobRequest(defaults: parameters, capabilities: .generateOnly), studio) { error in
                    XCTAssertEqual(error as? MetadataError, expected(metadata.path))
                }
            }
        }
    }

    func testAParametersChunkAskingForAnEditARegionOrCachingIsRefused() throws {
        let cases: [(String, String, String)] = [
            ("Edit: img2img, Edit source: a.png", "Edit",
             "the image was made by an edit ('img2img'); editing (img2img) is not available in this engine yet"),
            ("Edit: morph", "Edit", "the image was made by an edit ('morph'); editing (morph) is not available in this engine yet"),
            ("Layout regions: \"0,0,1,1: a cat\"", "Layout regions",
             "the image was made with regions (0,0,1,1: a cat); regional prompting is not available in this engine yet"),
            ("Caching: turbo", "Caching", "feature caching 'turbo' is not available in this engine yet (available: off)"),
        ]
        for (extra, key, reason) in cases {
            let metadata = try metadata(studio: nil, parameters: "a cat\nSteps: 3, Seed: 1, Size: 32x32, " + extra)
            XCTAssertThrowsError(try metadata.jobRequest(defaults: parameters, capabilities: .generateOnly), extra) { error in
                XCTAssertEqual(error as? MetadataError, .unavailable(path: metadata.path, keyword: "parameters", key: key, reason: reason))
            }
        }
    }

    /// The fixture's `dit-studio` zTXt chunk inflates to 9 MB, past libpng's 8 MB limit: the
    /// decoder drops it, and the error says so instead of "no metadata".
    func testAChunkTheDecoderDroppedIsNotMistakenForNoChunk() throws {
        let url = fixtureURL("png/hostile_text.png")
        let metadata = try ImageMetadata(contentsOf: url)
        let dropped = try XCTUnwrap(metadata.droppedTextChunks)
        XCTAssertEqual(dropped.count, 1)
        XCTAssertTrue(dropped.reason.hasPrefix("zTXt: "), dropped.reason)
        XCTAssertThrowsError(try metadata.jobRequest(defaults: parameters, capabilities: .generateOnly)) { error in
            XCTAssertEqual(error as? MetadataError, .chunksDropped(path: url.path, dropped: dropped))
            XCTAssertEqual("\(error)", "\(url.path): no 'dit-studio' or 'parameters' text chunk could be read: 1 text chunk "
                           + "could not be read and was left out (libpng: \(dropped.reason))")
        }
    }

    /// The chunk keys named for values found wrong later (a size the model cannot take).
    func testValuesFoundWrongLaterAreNamedByTheChunksOwnKeys() throws {
        let ours = try metadata(studio: try record()).jobRequest(defaults: parameters, capabilities: .generateOnly)
        XCTAssertEqual(ours.key(for: "steps"), "parameters.steps")
        XCTAssertEqual(ours.key(for: "size"), "parameters.width/height")
        XCTAssertEqual("\(ours.invalidValue(path: "x.png", parameter: "guidance", reason: "must be a number between 0 and 100 (got 500.0)"))",
                       "x.png: the 'dit-studio' chunk: key 'parameters.guidance' must be a number between 0 and 100 (got 500.0)")
        let theirs = try metadata(studio: nil, parameters: a1111Text).jobRequest(defaults: parameters, capabilities: .generateOnly)
        XCTAssertEqual(["steps", "guidance", "shift", "size"].map(theirs.key(for:)), ["Steps", "CFG scale", "Shift", "Size"])
    }
}
