import Foundation
import XCTest
@testable import DiTEngine

/// One reference model case under `Tests/Fixtures/reference/<case>/` (written by
/// `Training/reference/make_fixtures.py`): a diffusers-layout model directory plus
/// `expected.safetensors`, every tensor F32 with the batch dimension kept.
struct ReferenceCase {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference")

    /// Every case directory, sorted (those holding an `expected.safetensors`).
    static var all: [ReferenceCase] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().compactMap { name in
            let directory = root.appendingPathComponent(name)
            let expected = directory.appendingPathComponent("expected.safetensors")
            guard FileManager.default.fileExists(atPath: expected.path) else { return nil }
            return try? ReferenceCase(name: name)
        }
    }

    let name: String
    let directory: URL
    let expected: SafeTensorsFile
    /// The `__metadata__["case"]` JSON.
    let metadata: [String: JSONValue]

    init(name: String) throws {
        self.name = name
        directory = ReferenceCase.root.appendingPathComponent(name)
        expected = try SafeTensorsFile(url: directory.appendingPathComponent("expected.safetensors"))
        let json = Data((expected.metadata["case"] ?? "{}").utf8)
        guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: json) else {
            throw EngineError.invalidInput("case metadata is not an object")
        }
        metadata = object
    }

    /// An expected tensor with its stored shape.
    func tensor(_ name: String) throws -> Tensor {
        guard let info = expected.info(name) else {
            throw EngineError.missingTensor(file: "\(self.name)/expected.safetensors", name: name, expectedShape: [])
        }
        return Tensor(shape: info.shape, values: try expected.floats(name))
    }

    /// An expected tensor of ids (stored as exact floats) as integers.
    func ids(_ name: String) throws -> [Int] {
        try tensor(name).scalars.map { Int($0) }
    }

    var prompt: String {
        if case .string(let text)? = metadata["prompt"] { return text }
        return ""
    }

    var negative: String {
        if case .string(let text)? = metadata["negative"] { return text }
        return ""
    }
}

/// Asserts `actual` matches `expected` (same element count) within `tolerance`, and returns
/// the max abs error so tests can report it.
@discardableResult
func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float, _ label: String,
                 file: StaticString = #filePath, line: UInt = #line) -> Float {
    guard actual.count == expected.count else {
        XCTFail("\(label): shape \(actual.shape) vs expected \(expected.shape)", file: file, line: line)
        return .infinity
    }
    let error = actual.maxAbsDifference(expected)
    XCTAssertLessThanOrEqual(error, tolerance, "\(label): max abs error \(error)", file: file, line: line)
    return error
}

extension ReferenceCase {
    /// The max abs error `stage` of this case may have against the reference: about four times the
    /// largest error measured, rounded up to one significant digit, so that a real regression (a
    /// wrong epsilon, a lost rounding step) fails while honest float32 differences pass. A stage
    /// without a measured tolerance fails the test, so a new case gets its own measurement.
    func tolerance(_ stage: String, file: StaticString = #filePath, line: UInt = #line) -> Float {
        guard let tolerance = Self.tolerances[name]?[stage] else {
            XCTFail("\(name): no tolerance measured for \(stage); measure it (see ReferenceCase.tolerances)", file: file, line: line)
            return 0
        }
        return tolerance
    }

    /// Measured with `OPENBLAS_CORETYPE=<core> swift test --filter ParityTests` (the tests print
    /// every error) for the SkylakeX, Haswell and Prescott kernels on an AVX-512 Xeon; the comment
    /// holds the largest error of the three (and of the cond and uncond branches for CLIP). Kernels
    /// moved the errors by up to 1.5×.
    static let tolerances: [String: [String: Float]] = [
        "latent_vae_a": [
            "clip.last_hidden_state": 6e-6,   // 1.4e-06
            "clip.penultimate": 4e-6,         // 9.5e-07
            "clip.text_embeds": 4e-6,         // 8.9e-07
            "dit.out": 3e-5,                  // 5.0e-06
            "gen.latents": 7e-5,              // 1.6e-05
            "gen.x0.step0": 7e-5,             // 1.7e-05
            "vae.decode.out": 8e-6,           // 1.9e-06
            "vae.encode.latent": 2e-5,        // 3.0e-06
            "vae.encode.mean": 2e-5,          // 2.7e-06
        ],
        "latent_vae_b": [
            "clip.last_hidden_state": 8e-6,   // 1.8e-06
            "clip.penultimate": 5e-6,         // 1.1e-06
            "clip.text_embeds": 3e-6,         // 7.2e-07
            "dit.out": 2e-5,                  // 2.9e-06
            "gen.latents": 3e-5,              // 5.2e-06
            "gen.x0.step0": 6e-5,             // 1.3e-05
            "vae.decode.out": 8e-6,           // 2.0e-06
            "vae.encode.latent": 2e-5,        // 3.7e-06
            "vae.encode.mean": 2e-5,          // 4.3e-06
        ],
        "sd3_basic": [
            "clip.last_hidden_state": 5e-6,   // 1.2e-06
            "clip.penultimate": 5e-6,         // 1.2e-06
            "clip.text_embeds": 3e-6,         // 7.2e-07
            "dit.out": 8e-6,                  // 2.0e-06
            "gen.latents": 2e-5,              // 4.5e-06
            "gen.x0.step0": 3e-5,             // 5.0e-06
        ],
        "sd3_bf16": [
            "clip.last_hidden_state": 8e-6,   // 1.9e-06
            "clip.penultimate": 5e-6,         // 1.0e-06
            "clip.text_embeds": 4e-6,         // 8.3e-07
            "dit.out": 2e-5,                  // 3.0e-06
            "gen.latents": 2e-5,              // 3.9e-06
            "gen.x0.step0": 4e-5,             // 9.5e-06
        ],
        "sd3_eos2": [
            "clip.last_hidden_state": 6e-6,   // 1.4e-06
            "clip.penultimate": 5e-6,         // 1.2e-06
            "clip.text_embeds": 3e-6,         // 7.2e-07
            "dit.out": 2e-6,                  // 3.5e-07
            "gen.latents": 1e-5,              // 2.4e-06
            "gen.x0.step0": 2e-5,             // 3.2e-06
        ],
        "sd3_qknorm_dual": [
            "clip.last_hidden_state": 7e-6,   // 1.7e-06
            "clip.penultimate": 7e-6,         // 1.5e-06
            "clip.text_embeds": 6e-6,         // 1.3e-06
            "dit.out": 3e-6,                  // 6.4e-07
            "gen.latents": 2e-5,              // 2.7e-06
            "gen.x0.step0": 2e-5,             // 4.7e-06
        ],
    ]
}
