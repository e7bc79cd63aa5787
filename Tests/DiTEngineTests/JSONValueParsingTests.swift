import Foundation
import XCTest
@testable import DiTEngine

/// `JSONValue.parse` must give exactly what `JSONDecoder` gives (values, and failure where it
/// fails), and must read real headers and configs on its own fast path, not by falling back.
final class JSONValueParsingTests: XCTestCase {
    /// The reference: what the loaders used before the fast parser.
    private func decoded(_ text: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text))
    }

    private func parsed(_ text: [UInt8]) -> JSONValue? {
        text.withUnsafeBytes { try? JSONValue.parse($0) }
    }

    private func fast(_ text: [UInt8]) -> JSONValue? {
        text.withUnsafeBytes { raw in
            var parser = FastJSONParser(raw)
            return parser.parseDocument()
        }
    }

    /// Structural identity, stricter than `==` (which equates 1 and 1.0): the case must match too.
    private func identical(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (.integer(x)?, .integer(y)?): return x == y
        case let (.number(x)?, .number(y)?): return x.bitPattern == y.bitPattern
        case let (.array(x)?, .array(y)?): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case let (.object(x)?, .object(y)?):
            return x.count == y.count && x.allSatisfy { key, value in identical(value, y[key]) }
        case let (x?, y?):
            if case .integer = x { return false }
            if case .number = x { return false }
            return x == y
        default: return false
        }
    }

    func testAgreesWithJSONDecoderOnEdgeCases() {
        let cases = [
            "1.0", "1e2", "1E2", "-0", "-0.0", "0", "00", "01", "1.", "-", "1e", "1e+2", "1.5e-3",
            "100000000000000000000", "999999999999999999", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "1e400", "-1e400", "4.9e-324", "1e-400", "0.1",
            "1234567.0", "2.5E+10", "0.30000000000000004", "-12.5e-1", "1e308", "3.4028235e38", "1.5054734945297241",
            "{\"a\":1,\"a\":2}", "\"\\ud800\"", "\"\\ud83d\\ude00\"", "\"\\u00e9\"", "\"\\/\"", "\"a\\u0000b\"",
            "\"\u{01}\"", "\"\\x\"", "[1,]", "{\"a\":1,}", " [ 1 , 2 ] ", "\u{FEFF}[1]", "true", "false", "null",
            "nul", "[1] x", "\"é\"", "{}", "[]", "\"\\uDC00\"", "\"\\ud800x\"", "\"\\ud800\\u0041\"", "1.0e0",
            "\"tab\\there\\n\\r\\b\\f\\\\\\\"\"", "[[[]]]", "{\"a\":{\"b\":[1,2.5,\"c\",null,true]}}",
            "{\"dtype\":\"F16\",\"shape\":[128,4,2,2],\"data_offsets\":[0,4096]}", "", " ", "\"unterminated",
            "[1 2]", "{\"a\" 1}", "0.99999999999999999999", "1e18", "1.0e15", "-5.0", "9007199254740993.0", "4503599627370497.5", "{1:2}", "\t\n\r[\t1\n]\r", "-a", "+1", ".5", "1.5.5",
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            XCTAssertTrue(identical(parsed(bytes), decoded(bytes)),
                          "\(text.debugDescription): parse gave \(String(describing: parsed(bytes))), JSONDecoder \(String(describing: decoded(bytes)))")
        }
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x5B, 0x31, 0x5D, 0x00]] {
            XCTAssertTrue(identical(parsed(bytes), decoded(bytes)), "bytes \(bytes)")
        }
    }

    /// Every seed of the config and safetensors fuzz corpora (headers cut out of the files).
    func testAgreesWithJSONDecoderOnTheFuzzCorpora() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/Corpus").standardizedFileURL
        var compared = 0
        for folder in ["model-config", "safetensors", "tokenizer"] {
            let directory = corpus.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                var bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
                if folder == "safetensors" {
                    guard bytes.count >= 8 else { continue }
                    let length = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
                    guard length >= 0, length <= bytes.count - 8 else { continue }
                    bytes = Array(bytes[8..<(8 + length)])
                }
                guard bytes.withUnsafeBytes({ JSONValue.nestingDepth(of: $0) }) <= 16 else { continue }
                XCTAssertTrue(identical(parsed(bytes), decoded(bytes)), "\(folder)/\(name)")
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 20)
    }

    /// The shipped model's headers and configs take the fast path (the point of the parser).
    func testShippedModelFilesTakeTheFastPath() throws {
        let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Models/shapes-mmdit").standardizedFileURL
        for weights in ["transformer/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors",
                        "text_encoder/model.safetensors"] {
            let bytes = [UInt8](try Data(contentsOf: model.appendingPathComponent(weights)))
            let length = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
            let header = Array(bytes[8..<(8 + length)])
            XCTAssertNotNil(fast(header), weights)
            XCTAssertTrue(identical(fast(header), decoded(header)), weights)
        }
        for config in ["transformer/config.json", "text_encoder/config.json", "vae/config.json", "model_index.json"] {
            let bytes = [UInt8](try Data(contentsOf: model.appendingPathComponent(config)))
            XCTAssertNotNil(fast(bytes), config)
            XCTAssertTrue(identical(fast(bytes), decoded(bytes)), config)
        }
    }
}
