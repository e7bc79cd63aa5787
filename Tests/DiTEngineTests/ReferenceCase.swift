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
