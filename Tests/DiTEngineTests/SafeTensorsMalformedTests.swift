import Foundation
import XCTest
@testable import DiTEngine

/// Broken files end in an error that names the file (and the tensor) and says what is wrong;
/// never a crash or a read outside the file.
final class SafeTensorsMalformedTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeSafeTensorsTemporaryDirectory(for: self)
    }

    /// Writes `data`, opens it, and returns the error message (failing when it opens).
    private func openError(_ data: Data, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let url = directory.appendingPathComponent("bad-\(UUID().uuidString).safetensors")
        try data.write(to: url)
        do {
            _ = try SafeTensorsFile(url: url)
        } catch let error as SafeTensorsError {
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(url.path + ": "), "names the file: \(message)", file: file, line: line)
            return message
        }
        XCTFail("opening should fail", file: file, line: line)
        return ""
    }

    private func assertRejected(header: String, data: [UInt8] = Array(repeating: 0, count: 16),
                                because reason: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let message = try openError(rawSafeTensors(header: header, data: data), file: file, line: line)
        XCTAssertTrue(message.contains(reason), "expected “\(reason)” in: \(message)", file: file, line: line)
    }

    func testFileShorterThanTheLengthField() throws {
        XCTAssertTrue(try openError(Data()).contains("0 bytes, fewer than the 8-byte header length"))
        XCTAssertTrue(try openError(Data([1, 0, 0, 0, 0])).contains("5 bytes"))
    }

    func testHeaderLengthBeyondTheFile() throws {
        let message = try openError(rawSafeTensors(header: "{}", declaredLength: 3))
        XCTAssertTrue(message.contains("runs past the end"), message)
    }

    func testAbsurdHeaderLength() throws {
        for length: UInt64 in [100_000_001, UInt64(Int.max), .max] {
            let message = try openError(rawSafeTensors(header: "{}", declaredLength: length))
            XCTAssertTrue(message.contains("exceeds the limit"), message)
        }
        XCTAssertTrue(try openError(rawSafeTensors(header: "", declaredLength: 0)).contains("too small"))
    }

    func testHeaderNotJSON() throws {
        try assertRejected(header: "{not json}", because: "not valid JSON")
        try assertRejected(header: "{\"a\": {\"dtype\": \"F32\",", because: "not valid JSON")
        var invalidUTF8 = rawSafeTensors(header: "{\"\u{E9}\":1}")
        invalidUTF8[10] = 0xFF
        XCTAssertTrue(try openError(invalidUTF8).contains("not valid JSON"))
    }

    func testHeaderJSONButNotAnObject() throws {
        try assertRejected(header: "[1, 2, 3]", because: "not an object")
        try assertRejected(header: "\"text\"", because: "not an object")
    }

    func testTooDeeplyNestedHeader() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try assertRejected(header: "{\"a\":\(deep)}", because: "nests deeper")
    }

    func testUnknownDType() throws {
        try assertRejected(header: #"{"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#,
                           because: "tensor 'w': unknown dtype 'F8_E4M3'")
        try assertRejected(header: #"{"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}"#,
                           because: "tensor 'w': 'dtype' is not a string")
    }

    func testShapeAndByteRangeDisagree() throws {
        try assertRejected(header: #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}"#,
                           because: "tensor 'w': shape [2, 2] of F32 needs 16 bytes but 'data_offsets' [0, 12] hold 12")
        try assertRejected(header: #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#,
                           because: "tensor 'w': 'shape' [4611686018427387904, 4] is impossibly large")
    }

    func testRangeOutsideTheDataArea() throws {
        try assertRejected(header: #"{"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#,
                           because: "tensor 'w': 'data_offsets' [0, 32] reach past the end of the data area (16 bytes)")
        try assertRejected(header: #"{"w":{"dtype":"U8","shape":[0],"data_offsets":[17,17]}}"#,
                           because: "reach past the end")
        try assertRejected(header: #"{"w":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}"#,
                           because: "tensor 'w': 'data_offsets' [-1, 0] is not a valid range")
        try assertRejected(header: #"{"w":{"dtype":"U8","shape":[0],"data_offsets":[8,4]}}"#,
                           because: "is not a valid range")
    }

    func testOverlappingRanges() throws {
        try assertRejected(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                           because: "tensors 'a' and 'b' overlap")
        // A long tensor that covers a later one, with a short one in between.
        try assertRejected(header: #"{"long":{"dtype":"U8","shape":[16],"data_offsets":[0,16]},"x":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"y":{"dtype":"U8","shape":[1],"data_offsets":[10,11]}}"#,
                           because: "overlap")
    }

    func testNegativeOrNonIntegerDimensions() throws {
        try assertRejected(header: #"{"w":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,16]}}"#,
                           because: "tensor 'w': 'shape' [-1, 4] has a negative dimension")
        try assertRejected(header: #"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#,
                           because: "holds something other than integers")
        try assertRejected(header: #"{"w":{"dtype":"F32","shape":4,"data_offsets":[0,16]}}"#,
                           because: "'shape' is not an array")
    }

    func testOffsetsNotAPairOfIntegers() throws {
        for offsets in ["[0]", "[0,4,8]", #"[0,"4"]"#, "[0.5,4]", "[true,4]", "\"0,4\"", "null"] {
            try assertRejected(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":"# + offsets + "}}",
                               because: "tensor 'w': 'data_offsets' is not a pair of integers")
        }
    }

    func testMissingKeys() throws {
        try assertRejected(header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, because: "tensor 'w': missing 'dtype'")
        try assertRejected(header: #"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, because: "tensor 'w': missing 'shape'")
        try assertRejected(header: #"{"w":{"dtype":"F32","shape":[1]}}"#, because: "tensor 'w': missing 'data_offsets'")
        try assertRejected(header: #"{"w":[1,2]}"#, because: "tensor 'w': its entry is not an object")
    }

    func testMetadataMustBeStrings() throws {
        try assertRejected(header: #"{"__metadata__":{"format":1}}"#, because: "__metadata__ key 'format' has a value that is not a string")
        try assertRejected(header: #"{"__metadata__":["pt"]}"#, because: "__metadata__ must be an object of strings")
    }

    func testNotARegularFile() throws {
        XCTAssertThrowsError(try SafeTensorsFile(url: directory)) { error in
            XCTAssertEqual("\(error)", "\(directory.path): cannot open safetensors file: it is a directory, not a regular file; only regular files are read")
        }
        let missing = directory.appendingPathComponent("missing.safetensors")
        XCTAssertThrowsError(try SafeTensorsFile(url: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing.path): cannot open safetensors file: No such file or directory")
        }
    }

    func testValidEdgeCasesAreAccepted() throws {
        // Whitespace padding, unused data bytes, empty tensors sharing an offset, a scalar, no tensors.
        let url = directory.appendingPathComponent("edge.safetensors")
        try rawSafeTensors(header: #"{"e1":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"e2":{"dtype":"BF16","shape":[3,0],"data_offsets":[4,4]},"s":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}    "#,
                           data: [9, 9, 9, 9, 0, 0, 0x80, 0x3F, 7, 7]).write(to: url)
        let file = try SafeTensorsFile(url: url)
        XCTAssertEqual(file.tensorNames, ["e1", "e2", "s"])
        XCTAssertEqual(try file.floats("s"), [1])
        XCTAssertEqual(try file.floats("e2"), [])
        let empty = directory.appendingPathComponent("empty.safetensors")
        try rawSafeTensors(header: "{}").write(to: empty)
        XCTAssertEqual(try SafeTensorsFile(url: empty).tensorNames, [])
    }

    func testEveryPrefixAndByteFlipOfAValidFileIsHandled() throws {
        let valid = try SafeTensorsWriter.encode([(name: "a", dtype: .f32, shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
                                                  (name: "b", dtype: .bf16, shape: [4], values: [1, 2, 3, 4])],
                                                 metadata: ["format": "pt"])
        let url = directory.appendingPathComponent("mutant.safetensors")
        for length in 0..<valid.count {
            try valid.prefix(length).write(to: url)
            XCTAssertThrowsError(try SafeTensorsFile(url: url), "a \(length)-byte prefix")
        }
        // Flip each byte of the length field and header: either an error, or a file whose tensors
        // all read (a flip inside a name or the metadata can leave a valid file).
        let headerEnd = 8 + Int(valid.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        for offset in 0..<headerEnd {
            for mask: UInt8 in [0x01, 0x20, 0xFF] {
                var mutant = valid
                mutant[offset] ^= mask
                try mutant.write(to: url)
                do {
                    let file = try SafeTensorsFile(url: url)
                    // A file that opens is consistent: every tensor it lists reads, with its shape's count.
                    for name in file.tensorNames {
                        let info = try XCTUnwrap(file.info(name), "\(offset) ^ \(mask): \(name)")
                        let values = try file.floats(name)
                        XCTAssertEqual(values.count, info.shape.reduce(1, *), "\(offset) ^ \(mask): \(name)")
                    }
                } catch let error as SafeTensorsError {
                    XCTAssertTrue("\(error)".hasPrefix(url.path + ": "), "the error names the file: \(error)")
                }
            }
        }
    }
}
