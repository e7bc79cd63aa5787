import XCTest
@testable import StudioCore

/// Table headers whose name starts with a character that cannot start a key made the TOML parser
/// inside TOMLKit abort the process (a failed assert in toml++, found by fuzzing); they must be
/// refused as invalid TOML with their line, and valid documents must not be touched.
final class TOMLHeaderCheckTests: XCTestCase {
    private func problem(_ text: String) -> TOMLHeaderCheck.Problem? {
        TOMLHeaderCheck.firstUnsafeHeader(in: text)
    }

    func testHeadersThatCannotStartAKeyAreFoundWithLineAndColumn() {
        // TOML 1.0: a key is bare (A-Za-z0-9_-) or quoted; whitespace around it is spaces and tabs.
        XCTAssertEqual(problem("[é]"), .init(line: 1, column: 2, found: "é", lineText: "[é]"))
        XCTAssertEqual(problem("a = 1\n[.a]\n"), .init(line: 2, column: 2, found: ".", lineText: "[.a]"))
        XCTAssertEqual(problem("a = 1\r\n  [[ \u{1}x]]\r\n"), .init(line: 2, column: 6, found: "\u{1}", lineText: "  [[ \u{1}x]]"))
        XCTAssertEqual(problem("[colors]\ntext = \"#ffffff\"\n[[\n"), .init(line: 3, column: 3, found: "\n", lineText: "[["))
        XCTAssertEqual(problem("\u{FEFF}[\t%]"), .init(line: 1, column: 3, found: "%", lineText: "[\t%]"))
    }

    func testValidDocumentsAndOtherErrorsAreLeftToTheParser() {
        let valid = [
            "[settings]\nsteps = 4\n[[operations]]\nop = \"sweep\"\n",
            "[ \"é\" ]\n[ 'a b' . c ]\n[-]\n[_]\n[0]\n",
            // `[` opening a line inside a multi-line array, string or comment is not a header.
            "values = [\n  [1, 2],\n  [.5],\n]\n[a]\n",
            "x = { y = [\n[é]] }\n",
            "t = \"\"\"\n[é]\n\\\"\"\" [\n\"\"\"\n[a]\n",
            "t = '''\n[é]\n''''\n[a]\n",
            "# [é]\ns = \"[é\" # [é\n[a]\n",
            "s = \"\\\"[\" \n[b]\n",
        ]
        for text in valid { XCTAssertNil(problem(text), text) }
        // Errors the parser reports itself (it stops before any name): leave them to it.
        XCTAssertNil(problem("[ [a]]\n"))
        XCTAssertNil(problem("[]\n"))
        XCTAssertNil(problem("[  "))
        // The parser reads a C string: nothing after a NUL reaches it.
        XCTAssertNil(problem("a = 1\0\n[é]"))
    }

    func testPresetsAndThemesWithSuchAHeaderAreInvalidTOMLNotACrash() {
        XCTAssertThrowsError(try PresetLoader().load(text: "name = \"mine\"\n[é]\nsteps = 4\n", file: "mine.toml",
                                                     source: .user(path: "mine.toml"))) { error in
            guard case let ConfigFileError.invalidTOML(file, line, column, _, excerpt) = error else {
                return XCTFail("expected invalidTOML, got \(error)")
            }
            XCTAssertEqual([file, "\(line)", "\(column)", excerpt], ["mine.toml", "2", "2", "[é]"])
        }
        XCTAssertThrowsError(try ThemeLoader().load(text: "[colors]\ntext = \"#ffffff\"\n[[\n", file: "t.toml",
                                                    source: .user(path: "t.toml"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("t.toml:3:3: invalid TOML"), "\(error)")
        }
    }
}
