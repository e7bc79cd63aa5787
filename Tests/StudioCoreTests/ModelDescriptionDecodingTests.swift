import Foundation
import XCTest
@testable import StudioCore

/// A model description read back from image metadata or a journal follows the rule its initialiser
/// enforces: `validateSize` divides by `size_multiple`, so 0 (found by fuzzing) must be refused.
final class ModelDescriptionDecodingTests: XCTestCase {
    private func decode(_ json: String) throws -> ModelDescription {
        try StudioJSON.decode(ModelDescription.self, from: Data(json.utf8))
    }

    func testARecordedDescriptionDecodesWithEveryField() throws {
        let model = try decode(#"{"name":"m","path":"/models/m","fingerprint":"f00d","size_multiple":16,"max_side":256}"#)
        XCTAssertEqual(model, ModelDescription(name: "m", path: "/models/m", fingerprint: "f00d", sizeMultiple: 16, maxSide: 256))
        XCTAssertEqual(try decode(#"{"name":"m","size_multiple":1}"#), ModelDescription(name: "m"))
    }

    func testASizeMultipleBelowOneIsRefusedNamingTheKey() {
        for value in [0, -8] {
            XCTAssertThrowsError(try decode(#"{"name":"m","size_multiple":\#(value)}"#)) { error in
                XCTAssertTrue(StudioJSON.describe(error).contains("size_multiple"), StudioJSON.describe(error))
            }
        }
    }

    func testImageMetadataWithSuchARecordFallsBackToTheParametersChunk() throws {
        let studio = #"{"format":1,"kind":{"type":"generate"},"model":{"name":"m","size_multiple":0},"#
            + #""parameters":{"caching":"off","guidance":3,"height":16,"negative_prompt":"","prompt":"p","rng":"torch","#
            + #""sampler":"euler","seed":7,"shift":1,"steps":2,"width":16},"seed_policy":"fixed","software":"dit-studio"}"#
        let png = PNGImage(image: RGBImage(width: 1, height: 1, pixels: [0, 0, 0]), format: PNGFormat(colorType: .rgb, bitDepth: 8),
                           textChunks: [PNGTextChunk(keyword: "parameters", text: "p\nSteps: 2, Seed: 7, Size: 16x16"),
                                        PNGTextChunk(keyword: "dit-studio", text: studio, kind: .internationalText)])
        let metadata = ImageMetadata(png: png)
        XCTAssertNil(metadata.provenance)
        XCTAssertEqual(metadata.notes.count, 1)
        XCTAssertTrue(metadata.notes[0].contains("size_multiple"), metadata.notes[0])
        XCTAssertEqual(try metadata.jobRequest(defaults: GenerateParameters(prompt: ""), capabilities: .generateOnly).request.parameters.seed, 7)
    }
}
