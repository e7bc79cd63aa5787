import Foundation
import XCTest
@testable import DiTEngine

/// Loading model directories: the happy path, and every way a directory can be wrong, each
/// ending in an `EngineError` that names the file, tensor or key.
final class ModelLoadingTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ModelLoadingTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// A writable copy of a reference case.
    func copyOfCase(_ name: String) throws -> URL {
        let target = scratch.appendingPathComponent(name)
        try FileManager.default.copyItem(at: ReferenceCase.root.appendingPathComponent(name), to: target)
        return target
    }

    /// Rewrites a safetensors file through `edit` (a list of entries, all written as F32).
    func rewrite(_ url: URL, _ edit: (inout [SafeTensorsWriter.Entry]) -> Void) throws {
        let file = try SafeTensorsFile(url: url)
        var entries: [SafeTensorsWriter.Entry] = try file.tensorNames.map { name in
            (name: name, dtype: .f32, shape: file.info(name)!.shape, values: try file.floats(name))
        }
        edit(&entries)
        try SafeTensorsWriter.encode(entries, metadata: file.metadata).write(to: url)
    }

    func editJSON(_ url: URL, _ edit: (inout [String: Any]) -> Void) throws {
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    func expectError(_ expected: EngineError, file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? EngineError, expected, file: file, line: line)
            XCTAssertFalse(String(describing: error).isEmpty)
        }
    }

    var transformerWeights: String { "transformer/diffusion_pytorch_model.safetensors" }

    func testLoadsEveryReferenceCase() throws {
        for reference in ReferenceCase.all {
            let model = try DiffusionModel(directory: reference.directory)
            let latent: Bool = { if case .bool(let value)? = reference.metadata["latent"] { return value } else { return false } }()
            XCTAssertEqual(model.hasVAE, latent, reference.name)
            XCTAssertEqual(model.vaeDirectory?.lastPathComponent, latent ? "vae" : nil)
            XCTAssertEqual(model.tokenizer.paddedLength, model.textEncoder.config.maxPositionEmbeddings)
        }
        let dual = try DiffusionModel(directory: ReferenceCase.root.appendingPathComponent("sd3_qknorm_dual"))
        XCTAssertEqual(dual.transformer.config.qkNorm, .rmsNorm)
        XCTAssertEqual(dual.transformer.config.dualAttentionLayers, [0])
    }

    func testMissingTensorIsNamed() throws {
        let directory = try copyOfCase("sd3_basic")
        try rewrite(directory.appendingPathComponent(transformerWeights)) { entries in
            entries.removeAll { $0.name == "transformer_blocks.1.attn.to_k.weight" }
        }
        expectError(.missingTensor(file: transformerWeights, name: "transformer_blocks.1.attn.to_k.weight", expectedShape: [24, 24])) {
            _ = try DiffusionModel(directory: directory)
        }
    }

    func testWrongShapeNamesExpectedAndActual() throws {
        let directory = try copyOfCase("sd3_basic")
        try rewrite(directory.appendingPathComponent(transformerWeights)) { entries in
            let index = entries.firstIndex { $0.name == "proj_out.weight" }!
            entries[index].shape = [entries[index].shape[1], entries[index].shape[0]]
        }
        expectError(.shapeMismatch(file: transformerWeights, name: "proj_out.weight", expected: [12, 24], actual: [24, 12])) {
            _ = try DiffusionModel(directory: directory)
        }
    }

    func testExtraTensorIsReported() throws {
        let directory = try copyOfCase("sd3_basic")
        try rewrite(directory.appendingPathComponent(transformerWeights)) { entries in
            entries.append((name: "transformer_blocks.2.attn.to_q.weight", dtype: .f32, shape: [2], values: [1, 2]))
        }
        expectError(.unexpectedTensors(file: transformerWeights, names: ["transformer_blocks.2.attn.to_q.weight"])) {
            _ = try DiffusionModel(directory: directory)
        }
    }

    func testNonFloatWeightIsRefused() throws {
        let directory = try copyOfCase("sd3_basic")
        let url = directory.appendingPathComponent("text_encoder/model.safetensors")
        let file = try SafeTensorsFile(url: url)
        // Re-emit the file by hand with the final layer norm's bias stored as I32.
        var header: [String: Any] = [:]
        var data = Data()
        for name in file.tensorNames {
            let info = file.info(name)!
            let isInteger = name == "text_model.final_layer_norm.bias"
            let values = try file.floats(name)
            let start = data.count
            for value in values {
                var bits = isInteger ? UInt32(bitPattern: Int32(value.rounded())) : value.bitPattern
                data.append(Data(bytes: &bits, count: 4))
            }
            header[name] = ["dtype": isInteger ? "I32" : "F32", "shape": info.shape, "data_offsets": [start, data.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header)
        while json.count % 8 != 0 { json.append(0x20) }
        var length = UInt64(json.count).littleEndian
        try (Data(bytes: &length, count: 8) + json + data).write(to: url)
        expectError(.unsupportedDType(file: "text_encoder/model.safetensors", name: "text_model.final_layer_norm.bias", dtype: "I32")) {
            _ = try DiffusionModel(directory: directory)
        }
    }

    func testBF16WeightsLoad() throws {
        let reference = try ReferenceCase(name: "sd3_bf16")
        let file = try SafeTensorsFile(url: reference.directory.appendingPathComponent(transformerWeights))
        XCTAssertEqual(file.info("proj_out.weight")?.dtype, .bf16)
        XCTAssertNoThrow(try DiffusionModel(directory: reference.directory))
    }

    func testMissingFilesAreNamed() throws {
        for relative in ["model_index.json", "transformer/config.json", transformerWeights,
                         "text_encoder/model.safetensors", "tokenizer/tokenizer.json"] {
            let directory = try copyOfCase("sd3_basic").deletingLastPathComponent()
                .appendingPathComponent("missing-\(relative.replacingOccurrences(of: "/", with: "-"))")
            try FileManager.default.moveItem(at: scratch.appendingPathComponent("sd3_basic"), to: directory)
            try FileManager.default.removeItem(at: directory.appendingPathComponent(relative))
            expectError(.missingFile(directory.standardizedFileURL.appendingPathComponent(relative))) {
                _ = try DiffusionModel(directory: directory)
            }
        }
    }

    func testMathChangingConfigValuesAreRefused() throws {
        let directory = try copyOfCase("sd3_qknorm_dual")
        let transformerConfig = directory.appendingPathComponent("transformer/config.json")
        try editJSON(transformerConfig) { $0["qk_norm"] = "layer_norm_across_heads" }
        expectError(.unsupportedConfig(file: "transformer/config.json", key: "qk_norm", value: "\"layer_norm_across_heads\"")) {
            _ = try DiffusionModel(directory: directory)
        }
        try editJSON(transformerConfig) { $0["qk_norm"] = "rms_norm"; $0["pos_embed_type"] = "rope" }
        expectError(.unsupportedConfig(file: "transformer/config.json", key: "pos_embed_type", value: "\"rope\"")) {
            _ = try DiffusionModel(directory: directory)
        }
        // Unknown keys that diffusers itself would ignore are ignored.
        try editJSON(transformerConfig) { $0.removeValue(forKey: "pos_embed_type"); $0["_name_or_path"] = "somewhere"; $0["note"] = 1 }
        XCTAssertNoThrow(try DiffusionModel(directory: directory))

        let textConfig = directory.appendingPathComponent("text_encoder/config.json")
        try editJSON(textConfig) { $0["hidden_act"] = "relu" }
        expectError(.unsupportedConfig(file: "text_encoder/config.json", key: "hidden_act", value: "\"relu\"")) {
            _ = try DiffusionModel(directory: directory)
        }
        try editJSON(textConfig) { $0["hidden_act"] = "quick_gelu" }
        try editJSON(directory.appendingPathComponent("model_index.json")) {
            $0["text_encoder_3"] = ["transformers", "T5EncoderModel"]
        }
        expectError(.unsupportedConfig(file: "model_index.json", key: "text_encoder_3", value: "[\"transformers\", \"T5EncoderModel\"]")) {
            _ = try DiffusionModel(directory: directory)
        }
    }

    func testInconsistentConfigsAreExplained() throws {
        let directory = try copyOfCase("sd3_basic")
        try editJSON(directory.appendingPathComponent("transformer/config.json")) { $0["caption_projection_dim"] = 32 }
        XCTAssertThrowsError(try DiffusionModel(directory: directory)) { error in
            guard case .invalidConfig(_, let key, _)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "caption_projection_dim")
        }
        try editJSON(directory.appendingPathComponent("transformer/config.json")) { $0["caption_projection_dim"] = 24; $0["num_layers"] = "two" }
        XCTAssertThrowsError(try DiffusionModel(directory: directory)) { error in
            guard case .invalidConfig(_, let key, let reason)? = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "num_layers")
            XCTAssertTrue(reason.contains("integer"), reason)
        }
    }

    func testBadInputsToTheTransformer() throws {
        let model = try DiffusionModel(directory: ReferenceCase.root.appendingPathComponent("sd3_basic"))
        let context = Tensor(shape: [1, 16, 24]), pooled = Tensor(shape: [1, 16])
        // 15 is not a multiple of the patch size 2.
        XCTAssertThrowsError(try model.transformer.forward(x: Tensor(shape: [1, 3, 15, 16]), timesteps: [1], context: context, pooled: pooled))
        // A 10×10 patch grid exceeds pos_embed_max_size 8.
        XCTAssertThrowsError(try model.transformer.forward(x: Tensor(shape: [1, 3, 20, 20]), timesteps: [1], context: context, pooled: pooled)) {
            XCTAssertTrue(String(describing: $0).contains("pos_embed_max_size"))
        }
        XCTAssertThrowsError(try model.transformer.forward(x: Tensor(shape: [1, 3, 16, 16]), timesteps: [1, 2], context: context, pooled: pooled))
        XCTAssertThrowsError(try model.transformer.forward(x: Tensor(shape: [1, 3, 16, 16]), timesteps: [1], context: Tensor(shape: [1, 16, 8]), pooled: pooled))
        XCTAssertThrowsError(try model.transformer.forward(x: Tensor(shape: [1, 4, 16, 16]), timesteps: [1], context: context, pooled: pooled))
        // Smaller than the table is fine (centre crop), and so is a non-square grid.
        XCTAssertEqual(try model.transformer.forward(x: Tensor(shape: [1, 3, 8, 12]), timesteps: [1], context: context, pooled: pooled).shape,
                       [1, 3, 8, 12])
        XCTAssertThrowsError(try model.textEncoder.forward(ids: Array(repeating: 4, count: 17)))
        XCTAssertThrowsError(try model.textEncoder.forward(ids: [2, 99, 3]))
        XCTAssertThrowsError(try model.textEncoder.forward(ids: []))
    }
}
