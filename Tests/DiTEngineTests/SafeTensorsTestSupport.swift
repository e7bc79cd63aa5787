import Foundation
import XCTest

/// A fresh directory for safetensors test files, removed by the test case's teardown.
func makeSafeTensorsTemporaryDirectory(for testCase: XCTestCase) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("SafeTensorsTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    return directory
}

/// Tests/Fixtures/safetensors/<name> in the source tree.
func safeTensorsFixture(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/safetensors")
        .appendingPathComponent(name)
}

/// A safetensors file made by hand: the 8-byte length, the header text as given, then `data`.
func rawSafeTensors(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    var file = Data()
    let json = Array(header.utf8)
    withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian) { file.append(contentsOf: $0) }
    file.append(contentsOf: json)
    file.append(contentsOf: data)
    return file
}
