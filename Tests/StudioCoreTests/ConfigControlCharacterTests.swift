import DiTEngine
import Foundation
import XCTest
@testable import StudioCore

/// Config files with raw control characters: TOMLKit reads a C string, so a NUL used to end a
/// preset or theme silently halfway (the rest of the file was never read); every control character
/// TOML forbids is now refused with the file, line and column. The JSON beside a model
/// (studio.json) likewise.
final class ConfigControlCharacterTests: XCTestCase {
    /// The bytes TOML 1.0 forbids everywhere (tab and line feed are fine, CR only before LF).
    private let forbiddenInTOML: [UInt8] = Array(0x00...0x08) + [0x0B, 0x0C] + Array(0x0E...0x1F) + [0x7F]

    private func preset(with byte: UInt8) -> String {
        "name = \"probe\"\n[settings]\nnegative_prompt = \"a\(Character(Unicode.Scalar(byte)))b\"\nsteps = 3\n"
    }

    func testEveryForbiddenControlByteInAPresetIsRefusedWithLineAndColumn() {
        for byte in forbiddenInTOML {
            XCTAssertThrowsError(try PresetLoader().load(text: preset(with: byte), file: "probe.toml", source: .user(path: "probe.toml"))) { error in
                guard case let .invalidTOML(file, line, column, reason, _)? = error as? ConfigFileError else { return XCTFail("\(byte): \(error)") }
                XCTAssertEqual(file, "probe.toml")
                XCTAssertEqual(line, 3, "byte \(byte)")
                XCTAssertEqual(column, 21, "byte \(byte)")
                XCTAssertTrue(reason.hasPrefix("control character U+00\(String(format: "%02X", byte)) ("), reason)
                XCTAssertTrue(reason.contains("is not allowed in TOML"), reason)
            }
        }
        // What TOML allows: a tab in a string, CRLF line ends.
        XCTAssertNoThrow(try PresetLoader().load(text: preset(with: 0x09), file: "tab.toml", source: .user(path: "tab.toml")))
        let crlf = "name = \"probe\"\r\n[settings]\r\nsteps = 3\r\n"
        XCTAssertEqual(try PresetLoader().load(text: crlf, file: "crlf.toml", source: .user(path: "crlf.toml")).0.settings.steps, 3)
        XCTAssertThrowsError(try PresetLoader().load(text: "name = \"x\"\r[settings]\n", file: "cr.toml", source: .user(path: "cr.toml"))) { error in
            XCTAssertEqual("\(error)", "cr.toml:1:11: invalid TOML: control character U+000D (CR) is not allowed in TOML; "
                           + "save the file with LF or CRLF line ends (in `name = \"x\"^M[settings]`)")
        }
    }

    func testANulNoLongerCutsAPresetFileShort() throws {
        // Before, TOMLKit saw only `name = "half"` and loaded a preset with default settings.
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("half.toml")
        try Data("name = \"half\"\n\u{0}\n[settings]\nsteps = 99999\n".utf8).write(to: url)
        let catalog = PresetCatalog.load(builtIn: nil, user: directory)
        XCTAssertEqual(catalog.presets, [])
        XCTAssertEqual(catalog.problems.map(\.description),
                       ["\(url.path):2:1: invalid TOML: control character U+0000 (NUL) is not allowed in TOML; remove it (in `^@`)"])
    }

    func testEveryForbiddenControlByteInAThemeIsRefused() {
        for byte in forbiddenInTOML {
            let text = "name = \"probe\"\n[colors]\naccent = \"#11\(Character(Unicode.Scalar(byte)))2233\"\n"
            XCTAssertThrowsError(try ThemeLoader().load(text: text, file: "probe.toml", source: .user(path: "probe.toml"))) { error in
                guard case let .invalidTOML(_, line, column, _, _)? = error as? ConfigFileError else { return XCTFail("\(byte): \(error)") }
                XCTAssertEqual(line, 3)
                XCTAssertEqual(column, 14)
            }
        }
    }

    func testColumnsCountCharactersNotBytes() {
        let text = "description = \"caf\u{E9} \u{1F431}\u{0}\"\n"
        XCTAssertThrowsError(try PresetLoader().load(text: text, file: "p.toml", source: .user(path: "p.toml"))) { error in
            guard case let .invalidTOML(_, line, column, _, _)? = error as? ConfigFileError else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 1)
            XCTAssertEqual(column, 22, "d…\" is 15 characters, café 4, space, the cat, then the NUL")
        }
    }

    // MARK: - studio.json

    private func studioJSON(_ text: String) throws -> URL {
        let directory = try makeTemporaryDirectory(for: self)
        try Data(text.utf8).write(to: directory.appendingPathComponent("studio.json"))
        return directory
    }

    func testStudioJSONRefusesControlCharactersAndNamesTheKeyOfABadValue() throws {
        let cases: [(String, String)] = [
            ("{\"steps\": 20,\u{0} \"guidance\": 3}", "line 1, column 14: control character U+0000 (NUL) is not allowed in JSON; remove it"),
            ("{\"sampler\": \"eu\u{1B}ler\"}", "line 1, column 16: control character U+001B (ESC) is not allowed in JSON; remove it"),
            ("{\"steps\": \"20\"}", "key 'steps': expected to decode Int but found a string instead"),
            ("{\"steps\": 0}", "key 'steps': must be between 1 and 10000 (got 0)"),
            ("{\"steps\": 20000}", "key 'steps': must be between 1 and 10000 (got 20000)"),
            ("{\"guidance\": 1e300}", "key 'guidance': must be a number between 0 and 100 (got 1e+300)"),
            ("{\"shift\": 0.000001}", "key 'shift': must be a number between 0.01 and 100 (got 1e-06)"),
            ("{\"width\": 0}", "key 'width': must be between 1 and 8192 (got 0)"),
            ("{\"height\": 100000}", "key 'height': must be between 1 and 8192 (got 100000)"),
            ("{\"sampler\": \"dpm\"}", "key 'sampler': cannot initialize SamplerChoice from invalid String value dpm"),
            (String(repeating: "[", count: 40), "nests arrays or objects more than 16 levels deep"),
        ]
        for (text, reason) in cases {
            let directory = try studioJSON(text)
            XCTAssertThrowsError(try ModelStudioDefaults(modelDirectory: directory), text) { error in
                XCTAssertEqual("\(error)", directory.appendingPathComponent("studio.json").path + ": \(reason); fix or delete the file")
                XCTAssertEqual((error as? CategorizedError)?.category, .badInput)
            }
        }
        XCTAssertEqual(try ModelStudioDefaults(modelDirectory: try studioJSON("{\"steps\": 12, \"guidance\": 3.5}\n")),
                       ModelStudioDefaults(steps: 12, guidance: 3.5))
    }
}
