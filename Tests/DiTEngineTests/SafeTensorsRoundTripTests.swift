import Foundation
import XCTest
@testable import DiTEngine

/// Float32 → F32/F16/BF16 file → Float32, against PyTorch's conversions.
final class SafeTensorsRoundTripTests: XCTestCase {
    /// Inputs: zero, −0, ±1, 1/3, the F16 maximum, a value just below and one at the F16 overflow
    /// threshold, F16 underflow to zero, the smallest F16 subnormal, a value rounding up to it,
    /// an F32 subnormal, ±infinity, NaN, the F32 maximum, two BF16 ties (1 + 2⁻⁸ rounds down to even,
    /// 1 + 3·2⁻⁸ rounds up), a small negative value, and the smallest F32 subnormal.
    private let inputs: [Float] = [0, -0.0, 1, -1, 1.0 / 3.0, 65504, 65519, 65520, 1e-8, 6e-8, 3e-8, Float(bitPattern: 0x116C2) /* 1e-40 */,
                                   .infinity, -.infinity, .nan, .greatestFiniteMagnitude, 1.00390625,
                                   1.01171875, -2.5e-5, Float(bitPattern: 1)]

    // python: t = torch.tensor(inputs, dtype=torch.float32)
    //         [hex(x & 0xffff) for x in t.to(torch.float16).view(torch.int16).tolist()]
    private let float16Bits: [UInt16] = [0x0000, 0x8000, 0x3C00, 0xBC00, 0x3555, 0x7BFF, 0x7BFF, 0x7C00, 0x0000,
                                         0x0001, 0x0001, 0x0000, 0x7C00, 0xFC00, 0x7E00, 0x7C00, 0x3C04,
                                         0x3C0C, 0x81A3, 0x0000]
    // python: [hex(x & 0xffff) for x in t.to(torch.bfloat16).view(torch.int16).tolist()]
    // (NaN: torch's vectorised path gives 0xFFFF, its scalar path 0x7FC0; only NaN-ness is checked)
    private let bfloat16Bits: [UInt16] = [0x0000, 0x8000, 0x3F80, 0xBF80, 0x3EAB, 0x4780, 0x4780, 0x4780, 0x322C,
                                          0x3381, 0x3301, 0x0001, 0x7F80, 0xFF80, 0x7FC0, 0x7F80, 0x3F80,
                                          0x3F82, 0xB7D2, 0x0000]

    private func assertSameFloats(_ actual: [Float], _ expected: [Float], _ label: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            if e.isNaN {
                XCTAssertTrue(a.isNaN, "\(label)[\(index)]: expected NaN, got \(a)", file: file, line: line)
            } else {
                // Bit equality: tells −0 from 0 and checks subnormals exactly.
                XCTAssertEqual(a.bitPattern, e.bitPattern, "\(label)[\(index)]: expected \(e), got \(a)", file: file, line: line)
            }
        }
    }

    func testConversionBitsMatchPyTorch() {
        for (index, value) in inputs.enumerated() where !value.isNaN {
            XCTAssertEqual(FloatConversion.float16Bits(from: value), float16Bits[index], "F16 of \(value)")
            XCTAssertEqual(FloatConversion.bfloat16Bits(from: value), bfloat16Bits[index], "BF16 of \(value)")
        }
        XCTAssertTrue(FloatConversion.float(fromFloat16Bits: FloatConversion.float16Bits(from: .nan)).isNaN)
        XCTAssertTrue(FloatConversion.float(fromBFloat16Bits: FloatConversion.bfloat16Bits(from: .nan)).isNaN)
        XCTAssertTrue(FloatConversion.float(fromBFloat16Bits: FloatConversion.bfloat16Bits(from: -.nan)).isNaN)
    }

    func testF32F16AndBF16RoundTripThroughAFile() throws {
        let url = try makeSafeTensorsTemporaryDirectory(for: self).appendingPathComponent("round.safetensors")
        try SafeTensorsWriter.encode([
            (name: "a.f32", dtype: .f32, shape: [4, 5], values: inputs),
            (name: "b.f16", dtype: .f16, shape: [20], values: inputs),
            (name: "c.bf16", dtype: .bf16, shape: [2, 2, 5], values: inputs),
        ], metadata: ["format": "pt", "quote\"and\\slash": "line\nbreak \u{1F431}"]).write(to: url)
        let file = try SafeTensorsFile(url: url)
        XCTAssertEqual(file.tensorNames, ["a.f32", "b.f16", "c.bf16"])
        XCTAssertEqual(file.metadata, ["format": "pt", "quote\"and\\slash": "line\nbreak \u{1F431}"])
        XCTAssertEqual(file.info("a.f32"), SafeTensorInfo(name: "a.f32", dtype: .f32, shape: [4, 5], byteRange: 0..<80))
        XCTAssertEqual(file.info("b.f16"), SafeTensorInfo(name: "b.f16", dtype: .f16, shape: [20], byteRange: 80..<120))
        XCTAssertEqual(file.info("c.bf16"), SafeTensorInfo(name: "c.bf16", dtype: .bf16, shape: [2, 2, 5], byteRange: 120..<160))
        XCTAssertNil(file.info("missing"))

        assertSameFloats(try file.floats("a.f32"), inputs, "F32")
        // python: t.to(torch.float16).float().tolist()
        assertSameFloats(try file.floats("b.f16"), float16Bits.map { Float(Float16(bitPattern: $0)) }, "F16")
        XCTAssertEqual(try file.floats("b.f16")[9], 5.960464477539063e-08) // the smallest F16 subnormal
        // python: t.to(torch.bfloat16).float().tolist()
        assertSameFloats(try file.floats("c.bf16"), bfloat16Bits.map { Float(bitPattern: UInt32($0) << 16) }, "BF16")
        XCTAssertEqual(try file.floats("c.bf16")[11], Float(bitPattern: 0x1_0000)) // a BF16 subnormal, 9.18e-41
        XCTAssertEqual(file.parameterCount, 60)
    }

    func testDataAreaStartsAligned() throws {
        let data = try SafeTensorsWriter.encode([(name: "x", dtype: .f16, shape: [3], values: [1, 2, 3])], metadata: [:])
        let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        XCTAssertEqual(headerLength % 8, 0)
        XCTAssertEqual(data.count, 8 + Int(headerLength) + 6)
    }

    func testUnknownTensorNameThrows() throws {
        let url = try makeSafeTensorsTemporaryDirectory(for: self).appendingPathComponent("one.safetensors")
        try SafeTensorsWriter.encode([(name: "w", dtype: .f32, shape: [1], values: [1])], metadata: [:]).write(to: url)
        XCTAssertThrowsError(try SafeTensorsFile(url: url).floats("v")) { error in
            XCTAssertEqual("\(error)", "\(url.path): no tensor named 'v'")
        }
    }

    func testWriterRefusesInconsistentTensors() {
        let cases: [(SafeTensorsWriter.Entry, String)] = [
            ((name: "a", dtype: .f32, shape: [2, 2], values: [1, 2, 3]), "needs 4 values, got 3"),
            ((name: "b", dtype: .i32, shape: [1], values: [1]), "dtype I32 cannot be written"),
            ((name: "c", dtype: .f16, shape: [-1], values: []), "negative dimension"),
            ((name: "__metadata__", dtype: .f32, shape: [], values: [1]), "reserved"),
        ]
        for (entry, reason) in cases {
            XCTAssertThrowsError(try SafeTensorsWriter.encode([entry], metadata: [:])) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(error)")
                XCTAssertTrue("\(error)".contains("'\(entry.name)'"), "\(error)")
            }
        }
        XCTAssertThrowsError(try SafeTensorsWriter.encode([(name: "d", dtype: .f32, shape: [], values: [1]),
                                                           (name: "d", dtype: .f32, shape: [], values: [2])], metadata: [:])) { error in
            XCTAssertTrue("\(error)".contains("appears twice"), "\(error)")
        }
    }
}
