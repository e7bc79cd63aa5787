import Foundation
import XCTest
@testable import DiTEngine

/// Model configs (config.json, scheduler_config.json, model_index.json) and tokenizer.json with
/// raw control characters are refused with the line and column, not "not valid JSON", and a
/// safetensors file the loader cannot read is named once in the message.
final class ConfigControlCharacterTests: XCTestCase {
    /// JSON allows tab, LF and CR between tokens and no raw control character anywhere else.
    private let forbiddenInJSON: [UInt8] = Array(0x00...0x08) + [0x0B, 0x0C] + Array(0x0E...0x1F)
    /// The C0 control characters' names, from the ASCII standard (ECMA-6).
    private let asciiNames = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
                              "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"]

    func testEveryForbiddenByteInAModelConfigIsRefusedWithLineAndColumn() {
        for byte in forbiddenInJSON {
            var data = Data("{\n  \"hidden_size\": 8,\n  \"act\": \"ge".utf8)
            data.append(byte)
            data.append(contentsOf: Array("lu\"\n}\n".utf8))
            let url = URL(fileURLWithPath: "/models/x/text_encoder/config.json")
            XCTAssertThrowsError(try ModelConfig(data: data, name: "text_encoder/config.json", url: url)) { error in
                let name = "U+00" + String(format: "%02X", byte) + " (\(asciiNames[Int(byte)]))"
                XCTAssertEqual(error as? EngineError, .invalidFile(url, reason: "line 3, column 13: control character "
                    + name + " is not allowed in JSON; remove it"))
                XCTAssertEqual((error as? CategorizedError)?.category, .badInput)
            }
        }
        // Whitespace between tokens, and DEL (legal in JSON strings), are fine.
        XCTAssertNoThrow(try ModelConfig(data: Data("{\r\n\t\"a\": \"x\u{7F}\"\r\n}".utf8), name: "ok.json"))
    }

    func testTheNamesOfTheControlCharacters() {
        func name(_ byte: UInt8) -> String { ForbiddenControlCharacter(line: 1, column: 1, byte: byte, syntax: .toml).name }
        XCTAssertEqual([0x00, 0x07, 0x08, 0x0D, 0x1B, 0x1F, 0x7F].map(name),
                       ["U+0000 (NUL)", "U+0007 (BEL)", "U+0008 (BS)", "U+000D (CR)", "U+001B (ESC)", "U+001F (US)", "U+007F (DEL)"])
    }

    func testLinesAndColumnsCountCharacters() {
        let bytes = Array("{\"a\": \"\u{E9}t\u{E9}\",\n \"\u{1F431}\": \u{1}}".utf8)
        XCTAssertEqual(ForbiddenControlCharacter.first(in: bytes, syntax: .json),
                       ForbiddenControlCharacter(line: 2, column: 7, byte: 1, syntax: .json))
        XCTAssertNil(ForbiddenControlCharacter.first(in: Array("a\r\nb\tc".utf8), syntax: .toml))
        XCTAssertEqual(ForbiddenControlCharacter.first(in: Array("a\rb".utf8), syntax: .toml)?.column, 2)
        XCTAssertNil(ForbiddenControlCharacter.first(in: Array("a\rb".utf8), syntax: .json))
    }

    func testATokenizerJSONWithANulIsRefused() {
        let json = "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"<unk>\": 0, \"c\u{0}at\": 1}, \"unk_token\": \"<unk>\"}}"
        let url = URL(fileURLWithPath: "/models/x/tokenizer/tokenizer.json")
        XCTAssertThrowsError(try Tokenizer(data: Data(json.utf8), url: url)) { error in
            XCTAssertEqual(error as? EngineError,
                           .invalidFile(url, reason: "line 1, column 57: control character U+0000 (NUL) is not allowed in JSON; remove it"))
        }
    }

    /// `cannot read X: X: not a valid safetensors file…` named the file twice.
    func testABrokenWeightsFileIsNamedOnce() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([200, 0, 0, 0, 0, 0, 0, 0, 0x7B]).write(to: url)
        XCTAssertThrowsError(try WeightLoader(safetensorsAt: url, name: "transformer/x.safetensors")) { error in
            let message = "\(error)"
            XCTAssertEqual(message.components(separatedBy: url.path).count - 1, 1, message)
            XCTAssertTrue(message.hasPrefix("cannot read \(url.path): not a valid safetensors file: "), message)
        }
    }

    func testFileReadFailuresGiveTheSystemsReason() {
        let directory = FileManager.default.temporaryDirectory
        XCTAssertThrowsError(try Data(contentsOf: directory)) { error in
            XCTAssertEqual(FileReadFailure.reason(error), "Is a directory")
        }
        XCTAssertThrowsError(try Data(contentsOf: directory.appendingPathComponent("no-such-\(UUID().uuidString)"))) { error in
            XCTAssertEqual(FileReadFailure.reason(error), "No such file or directory")
        }
    }
}
