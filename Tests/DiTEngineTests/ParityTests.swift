import Foundation
import XCTest
@testable import DiTEngine

/// Parity with the reference implementations (diffusers 0.42.1, transformers 5.24, tokenizers
/// 0.23.3) on every case in `Tests/Fixtures/reference/`, produced by
/// `Training/reference/make_fixtures.py`. Tokens must match exactly; every float stage within
/// its measured tolerance (`ReferenceCase.tolerances`: a few times the error seen, per case).
final class ParityTests: XCTestCase {
    func testFixturesArePresent() {
        XCTAssertGreaterThanOrEqual(ReferenceCase.all.count, 6, "reference fixtures missing under \(ReferenceCase.root.path)")
    }

    func testTokensMatchExactly() throws {
        for reference in ReferenceCase.all {
            let model = try DiffusionModel(directory: reference.directory)
            XCTAssertEqual(model.tokenizer.encode(reference.prompt).ids, try reference.ids("tokens.cond"), reference.name)
            XCTAssertEqual(model.tokenizer.encode(reference.negative).ids, try reference.ids("tokens.uncond"), reference.name)
            // The tokenizer alone, with only tokenizer.json's own truncation/padding, agrees too.
            let standalone = try Tokenizer(url: reference.directory.appendingPathComponent("tokenizer/tokenizer.json"))
            XCTAssertEqual(standalone.encode(reference.prompt).ids, try reference.ids("tokens.cond"), reference.name)
            if case .bool(let truncated)? = reference.metadata["prompt_truncated"] {
                XCTAssertEqual(model.tokenizer.encode(reference.prompt).truncated, truncated, reference.name)
            }
        }
    }

    func testCLIPMatchesTransformers() throws {
        var report: [String] = []
        for reference in ReferenceCase.all {
            let model = try DiffusionModel(directory: reference.directory)
            for branch in ["cond", "uncond"] {
                let ids = try reference.ids("tokens.\(branch)")
                let output = try model.textEncoder.forward(ids: ids)
                let label = "\(reference.name) clip.\(branch)"
                let e1 = assertClose(output.lastHiddenState, try reference.tensor("clip.\(branch).last_hidden_state"),
                                     tolerance: reference.tolerance("clip.last_hidden_state"), "\(label).last_hidden_state")
                let e2 = assertClose(output.penultimateHiddenState, try reference.tensor("clip.\(branch).penultimate"),
                                     tolerance: reference.tolerance("clip.penultimate"), "\(label).penultimate")
                guard let embeds = output.textEmbeds else { XCTFail("\(label): no text_embeds"); continue }
                let e3 = assertClose(embeds, try reference.tensor("clip.\(branch).text_embeds"),
                                     tolerance: reference.tolerance("clip.text_embeds"), "\(label).text_embeds")
                let conditioning = try model.textEncoder.encode(ids: ids)
                XCTAssertEqual(conditioning.context.scalars, output.penultimateHiddenState.scalars)
                XCTAssertEqual(conditioning.pooled.scalars, embeds.scalars)
                report.append("\(label): last \(e1) penult \(e2) embeds \(e3)")
            }
        }
        print("CLIP parity:\n" + report.joined(separator: "\n"))
    }

    /// transformers pools at the largest id when `eos_token_id == 2`; the fixture also records
    /// the projection at the first `<eos>`, which must differ for its prompt.
    func testLegacyEOSPoolingUsesLargestID() throws {
        let reference = try ReferenceCase(name: "sd3_eos2")
        let model = try DiffusionModel(directory: reference.directory)
        XCTAssertEqual(model.textEncoder.config.eosTokenID, 2)
        let ids = try reference.ids("tokens.cond")
        let output = try model.textEncoder.forward(ids: ids)
        XCTAssertEqual(output.pooledIndex, ids.firstIndex(of: ids.max()!))
        let embeds = try XCTUnwrap(output.textEmbeds)
        assertClose(embeds, try reference.tensor("clip.cond.text_embeds"), tolerance: reference.tolerance("clip.text_embeds"), "legacy pooled")
        let firstEOS = try reference.tensor("clip.cond.text_embeds.first_eos")
        XCTAssertGreaterThan(embeds.maxAbsDifference(firstEOS), 1e-3, "legacy pooling should not pick the first <eos>")
    }

    func testTransformerForwardMatchesDiffusers() throws {
        var report: [String] = []
        for reference in ReferenceCase.all {
            let model = try DiffusionModel(directory: reference.directory)
            let x = try reference.tensor("dit.x")
            let t = try reference.tensor("dit.timestep").scalars
            let out = try model.transformer.forward(x: x, timesteps: t, context: try reference.tensor("dit.context"),
                                                    pooled: try reference.tensor("dit.pooled"))
            XCTAssertEqual(out.shape, try reference.tensor("dit.out").shape, reference.name)
            let error = assertClose(out, try reference.tensor("dit.out"), tolerance: reference.tolerance("dit.out"), "\(reference.name) dit.out")
            report.append("\(reference.name): dit.out \(error)")
        }
        print("Transformer parity:\n" + report.joined(separator: "\n"))
    }

    /// A batch of two (the CFG layout: uncond, cond) gives each item what it gives alone, and the
    /// conditional item matches the reference.
    func testBatchedForwardMatchesSingleItems() throws {
        let reference = try ReferenceCase(name: "sd3_qknorm_dual")
        let model = try DiffusionModel(directory: reference.directory)
        let x = try reference.tensor("dit.x")
        let t = try reference.tensor("dit.timestep").scalars[0]
        let cond = try model.textEncoder.encode(ids: try reference.ids("tokens.cond"))
        let uncond = try model.textEncoder.encode(ids: try reference.ids("tokens.uncond"))
        let length = cond.context.shape[0], width = cond.context.shape[1]
        let context = Tensor.concatenate([uncond.context.reshaped([1, length, width]), cond.context.reshaped([1, length, width])])
        let pooled = Tensor.concatenate([uncond.pooled.reshaped([1, uncond.pooled.count]), cond.pooled.reshaped([1, cond.pooled.count])])
        let both = try model.transformer.forward(x: Tensor.concatenate([x, x]), timesteps: [t, t], context: context, pooled: pooled)
        let alone = try model.transformer.forward(x: x, timesteps: [t], context: context.slice(0..<1), pooled: pooled.slice(0..<1))
        XCTAssertLessThanOrEqual(both.slice(0..<1).maxAbsDifference(alone), 1e-6)
        let error = assertClose(both.slice(1..<2), try reference.tensor("dit.out"), tolerance: reference.tolerance("dit.out"), "batched cond item")
        print("sd3_qknorm_dual batched cond item: dit.out \(error)")
    }
}
