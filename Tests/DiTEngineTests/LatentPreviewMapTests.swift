import Foundation
import XCTest
@testable import DiTEngine

/// The cheap latent → RGB preview map: its math against PyTorch, its file checks, and how the
/// pipeline falls back to the exact decode when a model's map is unusable.
final class LatentPreviewMapTests: XCTestCase {
    /// Written by `python3 Training/reference/make_preview_map_fixtures.py` (torch conv2d, bilinear
    /// interpolate with align_corners=False, the contract's 8-bit rounding).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/preview")

    private struct Cases: Decodable {
        struct Expected: Decodable {
            let latent_rgb: [Float]
            let upsampled: [Float]
            let rgb8: [UInt8]
        }
        let latents: [Float]
        let shape: [Int]
        let width: Int
        let height: Int
        let maps: [String: Expected]
    }

    private func cases() throws -> Cases {
        try JSONDecoder().decode(Cases.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("cases.json")))
    }

    private func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("preview-map-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    // MARK: - Math

    func testMapAndUpsamplingMatchTorch() throws {
        let reference = try cases()
        XCTAssertEqual(Set(reference.maps.keys), ["map_k1.json", "map_k3.json"])
        let latents = Tensor(shape: reference.shape, values: reference.latents)
        for (file, expected) in reference.maps.sorted(by: { $0.key < $1.key }) {
            let map = try LatentPreviewMap(contentsOf: Self.fixtures.appendingPathComponent(file))
            let image = map.apply(latents)
            XCTAssertEqual(image.shape, [1, 3, reference.shape[2], reference.shape[3]])
            for (index, (got, want)) in zip(image.scalars, expected.latent_rgb).enumerated() {
                XCTAssertEqual(got, want, accuracy: 1e-5, "\(file): latent-resolution value \(index)")
            }
            let upsampled = LatentPreviewMap.bilinear(image, width: reference.width, height: reference.height)
            XCTAssertEqual(upsampled.shape, [1, 3, reference.height, reference.width])
            for (index, (got, want)) in zip(upsampled.scalars, expected.upsampled).enumerated() {
                XCTAssertEqual(got, want, accuracy: 1e-5, "\(file): upsampled value \(index)")
            }
            let bytes = map.rgb8(latents, width: reference.width, height: reference.height)
            XCTAssertEqual(bytes.count, expected.rgb8.count)
            // Rounding at exactly .5 may tip either way after float sums in another order.
            let off = zip(bytes, expected.rgb8).filter { abs(Int($0) - Int($1)) > 0 }
            XCTAssertTrue(off.allSatisfy { abs(Int($0.0) - Int($0.1)) <= 1 }, "\(file): a byte differs by more than 1")
            XCTAssertLessThanOrEqual(off.count, 2, "\(file): \(off.count) bytes differ")
        }
    }

    func testTheShippedModelsMapIsValidAndFitsItsVAE() throws {
        let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/shapes-mmdit")
        let map = try LatentPreviewMap(contentsOf: model.appendingPathComponent(LatentPreviewMap.fileName))
        let vae = try ModelConfig(contentsOf: model.appendingPathComponent("vae/config.json"), name: "vae/config.json")
        XCTAssertEqual(map.latentChannels, try vae.int("latent_channels"))
    }

    // MARK: - Bad files

    private func problem(with text: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let url = try scratch().appendingPathComponent("preview_map.json")
        try Data(text.utf8).write(to: url)
        do {
            _ = try LatentPreviewMap(contentsOf: url, name: url.path)
            XCTFail("the map was accepted: \(text.prefix(120))", file: file, line: line)
            return ""
        } catch let error as EngineError {
            XCTAssertTrue(error.description.contains(url.path), "the message names the file: \(error)", file: file, line: line)
            return error.description
        }
    }

    private func valid() throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("map_k3.json"))) as? [String: Any])
    }

    private func text(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    func testTruncatedFileIsRefused() throws {
        let whole = try String(contentsOf: Self.fixtures.appendingPathComponent("map_k3.json"), encoding: .utf8)
        let message = try problem(with: String(whole.prefix(whole.count / 2)))
        XCTAssertTrue(message.contains("not valid JSON"), message)
    }

    func testWrongShapesAreRefusedNamingTheKey() throws {
        var map = try valid()
        map["latent_channels"] = 3
        XCTAssertTrue(try problem(with: text(map)).contains("key 'weights[0]' is an array of 4; expected an array of 3"))

        map = try valid()
        map["bias"] = [0.1, 0.2]
        XCTAssertTrue(try problem(with: text(map)).contains("key 'bias' is an array of 2; expected an array of 3"))

        map = try valid()
        map["kernel_size"] = 2
        XCTAssertTrue(try problem(with: text(map)).contains("'kernel_size' is 2"))

        map = try valid()
        map["weights"] = "many"
        XCTAssertTrue(try problem(with: text(map)).contains("key 'weights' is \"many\""))
    }

    func testNonFiniteNumbersAreRefused() throws {
        // Python's json.dumps writes NaN and Infinity, which are not JSON.
        let whole = try String(contentsOf: Self.fixtures.appendingPathComponent("map_k1.json"), encoding: .utf8)
        let nan = whole.replacingOccurrences(of: "\"bias\": [", with: "\"bias\": [NaN, ")
        XCTAssertNotEqual(nan, whole)
        _ = try problem(with: nan)
        // A number no Float can hold.
        var map = try valid()
        map["bias"] = [1e39, 0, 0]
        XCTAssertTrue(try problem(with: text(map)).contains("key 'bias[0]'"))
        XCTAssertThrowsError(try LatentPreviewMap(latentChannels: 1, kernelSize: 1, weights: [0, .nan, 0], bias: [0, 0, 0]))
    }

    func testOtherVersionsAndFormatsAreRefused() throws {
        var map = try valid()
        map["version"] = 2
        XCTAssertTrue(try problem(with: text(map)).contains("key 'version' is 2; this engine reads version 1"))
        map = try valid()
        map["format"] = "something-else"
        XCTAssertTrue(try problem(with: text(map)).contains("key 'format'"))
        map = try valid()
        map["latent_space"] = "decoder"
        XCTAssertTrue(try problem(with: text(map)).contains("key 'latent_space'"))
    }

    // MARK: - The pipeline

    /// A copy of the small latent reference model (its parts linked) with `previewMap` as its map.
    private func latentModel(previewMap: String?) throws -> URL {
        let source = ReferenceCase.root.appendingPathComponent("latent_vae_a")
        let directory = try scratch()
        for part in ["model_index.json", "scheduler", "text_encoder", "tokenizer", "transformer", "vae"] {
            try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent(part),
                                                       withDestinationURL: source.appendingPathComponent(part))
        }
        if let previewMap { try Data(previewMap.utf8).write(to: directory.appendingPathComponent(LatentPreviewMap.fileName)) }
        return directory
    }

    private func validMapText() throws -> String {
        try String(contentsOf: Self.fixtures.appendingPathComponent("map_k3.json"), encoding: .utf8)
    }

    func testAModelWithoutAMapHasNoNoticeAndPreviewsExactly() throws {
        let pipeline = try GenerationPipeline(model: DiffusionModel(directory: latentModel(previewMap: nil)))
        XCTAssertNil(pipeline.previewMap)
        XCTAssertNil(pipeline.previewMapNotice)
        XCTAssertEqual(pipeline.previewDecoding(.approximate, step: 1, of: 4), .exact)
        XCTAssertEqual(pipeline.previewDecoding(.auto, step: 1, of: 4), .exact)
    }

    func testAUsableMapIsLoadedAndUsed() throws {
        let pipeline = try GenerationPipeline(model: DiffusionModel(directory: latentModel(previewMap: validMapText())))
        let map = try XCTUnwrap(pipeline.previewMap)
        XCTAssertNil(pipeline.previewMapNotice)
        var noise = TorchNormal(seed: 3)
        let latents = noise.normalTensor(shape: [1, 4, 4, 4])
        let approximate = try pipeline.previewRGB8(latents, width: 16, height: 16, decoding: .approximate)
        XCTAssertEqual(approximate, map.rgb8(latents, width: 16, height: 16))
        XCTAssertEqual(try pipeline.previewRGB8(latents, width: 16, height: 16, decoding: .exact), try pipeline.rgb8(latents))
        XCTAssertNotEqual(approximate, try pipeline.rgb8(latents))
    }

    func testUnusableMapsFallBackToTheExactDecodeWithANotice() throws {
        var wrongChannels = try valid()
        wrongChannels["latent_channels"] = 2
        wrongChannels["weights"] = (0..<3).map { _ in (0..<2).map { _ in (0..<3).map { _ in [0.1, 0.1, 0.1] } } }
        let bad: [(String, String)] = [
            (String(try validMapText().prefix(100)), "not valid JSON"),
            (try text(wrongChannels), "'latent_channels' is 2 but the VAE has 4"),
            (try validMapText().replacingOccurrences(of: "\"version\": 1", with: "\"version\": 7"), "key 'version' is 7"),
        ]
        for (content, fault) in bad {
            let directory = try latentModel(previewMap: content)
            let pipeline = try GenerationPipeline(model: DiffusionModel(directory: directory))
            XCTAssertNil(pipeline.previewMap)
            let notice = try XCTUnwrap(pipeline.previewMapNotice)
            XCTAssertTrue(notice.contains(directory.appendingPathComponent(LatentPreviewMap.fileName).path), notice)
            XCTAssertTrue(notice.contains(fault), notice)
            XCTAssertTrue(notice.contains("exact VAE decode"), notice)
            XCTAssertEqual(pipeline.previewDecoding(.approximate, step: 1, of: 4), .exact)
            var noise = TorchNormal(seed: 5)
            let latents = noise.normalTensor(shape: [1, 4, 2, 2])
            XCTAssertEqual(try pipeline.previewRGB8(latents, width: 8, height: 8, decoding: .approximate), try pipeline.rgb8(latents))
        }
    }

    func testAutoPreviewsApproximatelyThenExactlyOnTheFinalStep() throws {
        let pipeline = try GenerationPipeline(model: DiffusionModel(directory: latentModel(previewMap: validMapText())))
        let request = GenerationRequest(prompt: "a red circle", seed: 2, steps: 4, guidanceScale: 3, width: 16, height: 16)
        let prepared = try pipeline.prepare(request)
        var previews: [[UInt8]] = []
        var decodings: [PreviewMode.Decoding] = []
        var lastExact: [UInt8] = []
        while let step = try prepared.run.nextStep() {
            let decoding = pipeline.previewDecoding(.auto, step: step.index + 1, of: step.total)
            decodings.append(decoding)
            previews.append(try pipeline.previewRGB8(step.predictedClean, width: 16, height: 16, decoding: decoding))
            lastExact = try pipeline.rgb8(step.predictedClean)
        }
        XCTAssertEqual(decodings, [.approximate, .approximate, .approximate, .exact])
        // The last preview is the exact decode, and (Euler's last step lands on x₀) the final image.
        XCTAssertEqual(previews.last, lastExact)
        XCTAssertEqual(previews.last, try pipeline.finalPixels(prepared, sample: prepared.run.sample))
    }

    // MARK: - Choosing the decode

    func testPreviewModeDecodings() {
        XCTAssertEqual(PreviewMode.exact.decoding(step: 1, of: 20, hasMap: true), .exact)
        XCTAssertEqual(PreviewMode.approximate.decoding(step: 20, of: 20, hasMap: true), .approximate)
        XCTAssertEqual(PreviewMode.approximate.decoding(step: 1, of: 20, hasMap: false), .exact)
        XCTAssertEqual(PreviewMode.auto.decoding(step: 19, of: 20, hasMap: true), .approximate)
        XCTAssertEqual(PreviewMode.auto.decoding(step: 20, of: 20, hasMap: true), .exact)
        // A decode of 4 % of a step is cheap enough to be exact throughout; 50 % is not.
        XCTAssertEqual(PreviewMode.auto.decoding(step: 3, of: 20, hasMap: true, decodeSeconds: 0.004, stepSeconds: 0.1), .exact)
        XCTAssertEqual(PreviewMode.auto.decoding(step: 3, of: 20, hasMap: true, decodeSeconds: 0.05, stepSeconds: 0.1), .approximate)
    }
}
