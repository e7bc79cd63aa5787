import XCTest
@testable import StudioCore

/// Malformed TOML that made the parser inside TOMLKit abort the process (failed asserts in toml++,
/// found by fuzzing) must be refused as invalid TOML with its line, and valid documents must not be
/// touched.
final class TOMLParserTrapsTests: XCTestCase {
    private func trap(_ text: String) -> TOMLParserTraps.Problem? {
        TOMLParserTraps.first(in: text)
    }

    private func header(_ line: Int, _ column: Int, _ found: Unicode.Scalar, _ lineText: String) -> TOMLParserTraps.Problem {
        .init(line: line, column: column, found: found, lineText: lineText, reason: TOMLParserTraps.headerReason)
    }

    private func element(_ line: Int, _ column: Int, _ found: Unicode.Scalar, _ lineText: String) -> TOMLParserTraps.Problem {
        .init(line: line, column: column, found: found, lineText: lineText, reason: TOMLParserTraps.elementReason)
    }

    func testHeadersWhoseNameCannotStartAKeyAreFound() {
        // TOML 1.0: a key is bare (A-Za-z0-9_-) or quoted; whitespace around it is spaces and tabs.
        XCTAssertEqual(trap("[é]"), header(1, 2, "é", "[é]"))
        XCTAssertEqual(trap("a = 1\n[.a]\n"), header(2, 2, ".", "[.a]"))
        XCTAssertEqual(trap("a = 1\r\n  [[ \u{1}x]]\r\n"), header(2, 6, "\u{1}", "  [[ \u{1}x]]"))
        XCTAssertEqual(trap("[colors]\ntext = \"#ffffff\"\n[[\n"), header(3, 3, "\n", "[["))
        XCTAssertEqual(trap("\u{FEFF}[\t%]"), header(1, 3, "%", "[\t%]"))
    }

    func testArrayElementsStartingWithABraceOrALineSeparatorAreFound() {
        XCTAssertEqual(trap("a = [}"), element(1, 6, "}", "a = [}"))
        XCTAssertEqual(trap("a = [1, }]"), element(1, 9, "}", "a = [1, }]"))
        XCTAssertEqual(trap("a = [\n  1, # one\n  # none\n  }\n]"), element(4, 3, "}", "  }"))
        XCTAssertEqual(trap("a = [\r\n}]"), element(2, 1, "}", "}]"))
        XCTAssertEqual(trap("a = {b = [[}]]}"), element(1, 12, "}", "a = {b = [[}]]}"))
        XCTAssertEqual(trap("a = [\u{2028}]"), element(1, 6, "\u{2028}", "a = [\u{2028}]"))
        XCTAssertEqual(trap("a = [1,\u{85}]"), element(1, 8, "\u{85}", "a = [1,\u{85}]"))
    }

    func testValidDocumentsAndOtherErrorsAreLeftToTheParser() {
        let valid = [
            "[settings]\nsteps = 4\n[[operations]]\nop = \"sweep\"\nvalues = [1.0, 2.0]\n",
            "[ \"é\" ]\n[ 'a b' . c ]\n[-]\n[_]\n[0]\n",
            // `[` opening a line inside a multi-line array, string or comment is not a header.
            "values = [\n  [1, 2],\n  [.5],\n]\n[a]\n",
            "x = { y = [\n[1]] }\n",
            "t = \"\"\"\n[é]\n\\\"\"\" [\n\"\"\"\n[a]\n",
            "t = '''\n[é]\n''''\n[a]\n",
            "# [é]\ns = \"[é\" # [é\n[a]\n",
            "s = \"\\\"[\" \n[b]\n",
            // `}` in an array as a string, or closing an inline table element, is fine.
            "a = []\nb = [ # c\n 1, # d\n]\nc = [{}, {d = [1]}]\ne = [ \"}\", '}' ]\nf = {g = 1}\n",
        ]
        for text in valid { XCTAssertNil(trap(text), text) }
        // Errors the parser reports itself before reaching the spot: leave them to it.
        XCTAssertNil(trap("[ [a]]\n"))
        XCTAssertNil(trap("[]\n"))
        XCTAssertNil(trap("[  "))
        XCTAssertNil(trap("a = }\nb = {c = }\nd = [1 }\ne = {,}\n"))
        // The parser reads a C string: nothing after a NUL reaches it.
        XCTAssertNil(trap("a = 1\0\n[é]"))
    }

    func testPresetsAndThemesWithATrapAreInvalidTOMLNotACrash() {
        XCTAssertThrowsError(try PresetLoader().load(text: "name = \"mine\"\n[é]\nsteps = 4\n", file: "mine.toml",
                                                     source: .user(path: "mine.toml"))) { error in
            guard case let ConfigFileError.invalidTOML(file, line, column, _, excerpt) = error else {
                return XCTFail("expected invalidTOML, got \(error)")
            }
            XCTAssertEqual([file, "\(line)", "\(column)", excerpt], ["mine.toml", "2", "2", "[é]"])
        }
        XCTAssertThrowsError(try ThemeLoader().load(text: "[colors]\nregions = [\"#ffffff\", }\n", file: "t.toml",
                                                    source: .user(path: "t.toml"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("t.toml:2:23: invalid TOML: an array element must be a value"), "\(error)")
        }
    }
}
