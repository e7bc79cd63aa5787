import Foundation
import XCTest
@testable import DiTEngine

/// Files written by the reference `safetensors` library (Tests/Fixtures/safetensors/make_safetensors_fixtures.py).
final class SafeTensorsFixtureTests: XCTestCase {
    func testEveryDTypeReadsAsPyTorchConvertsIt() throws {
        let file = try SafeTensorsFile(url: safeTensorsFixture("mixed_dtypes.safetensors"))
        XCTAssertEqual(file.metadata, ["format": "pt", "note": "fixture \u{E9}"])
        XCTAssertEqual(file.tensorNames, ["empty_f32", "ids_i32", "mask_bool", "pixels_u8", "scalar_f32",
                                          "step_i64", "weight_bf16", "weight_f16", "weight_f32", "weight_f64"])
        // python: {k: (t.dtype, list(t.shape), t.float().flatten().tolist()) for k, t in load_file(path).items()}
        let expected: [String: (SafeTensorsDType, [Int], [Float])] = [
            "empty_f32": (.f32, [0, 3], []),
            "ids_i32": (.i32, [1, 2], [7, -8]),
            "mask_bool": (.bool, [3], [1, 0, 1]),
            "pixels_u8": (.u8, [3], [0, 128, 255]),
            "scalar_f32": (.f32, [], [4]),
            "step_i64": (.i64, [3], [-3, 0, 1099511627776]),
            "weight_bf16": (.bf16, [3, 1], [1, -3.5, 9.969209968386869e+37]),
            "weight_f16": (.f16, [4], [0.5, -1, 65504, 5.960464477539063e-08]),
            "weight_f32": (.f32, [2, 3], [1.5, -2.25, 0, 0.003000000026077032, 1.0000000150474662e+30, -0.0]),
            "weight_f64": (.f64, [2], [0.125, -7]),
        ]
        for (name, (dtype, shape, values)) in expected {
            let info = try XCTUnwrap(file.info(name), name)
            XCTAssertEqual(info.dtype, dtype, name)
            XCTAssertEqual(info.shape, shape, name)
            XCTAssertEqual(info.byteRange.count, values.count * dtype.byteSize, name)
            XCTAssertEqual(try file.floats(name).map(\.bitPattern), values.map(\.bitPattern), name)
        }
        XCTAssertEqual(file.parameterCount, 27)
    }

    func testRawBytesAreTheStoredLittleEndianValues() throws {
        let file = try SafeTensorsFile(url: safeTensorsFixture("mixed_dtypes.safetensors"))
        let bytes = try file.withRawBytes("pixels_u8") { Array($0) }
        XCTAssertEqual(bytes, [0, 128, 255])
        let half = try file.withRawBytes("weight_f16") { Array($0.prefix(2)) }
        XCTAssertEqual(half, [0x00, 0x38]) // 0.5 in F16 is 0x3800
    }
}
