import XCTest
@testable import StudioCore

/// `TerminalText`: whatever goes in, nothing a terminal obeys comes out, and ordinary text of any
/// script comes out unchanged.
final class TerminalTextTests: XCTestCase {
    /// Scalars a terminal acts on or that hide text: C0, DEL, C1, format characters (Cf) but the
    /// zero-width joiners, and the line and paragraph separators. Written from the Unicode
    /// categories, not from the code under test.
    private func actsOnTheTerminal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        case .format: return scalar.value != 0x200C && scalar.value != 0x200D
        default: return false
        }
    }

    func testEveryC0AndC1ControlAndDELBecomesVisibleInALine() {
        for value in UInt32(0)...0x9F where value < 0x20 || value >= 0x7F {
            let scalar = Unicode.Scalar(value)!
            let shown = TerminalText.line("a\(Character(scalar))b")
            XCTAssertFalse(shown.unicodeScalars.contains(where: actsOnTheTerminal), "U+\(String(value, radix: 16)): \(shown.debugDescription)")
            XCTAssertTrue(shown.hasPrefix("a") && shown.hasSuffix("b"), shown.debugDescription)
            XCTAssertGreaterThan(shown.unicodeScalars.count, 3, "U+\(String(value, radix: 16)) is shown by something visible")
        }
    }

    func testEveryControlByteButLineFeedAndTabBecomesVisibleInABlock() {
        for value in UInt32(0)...0x9F where value < 0x20 || value >= 0x7F {
            let scalar = Unicode.Scalar(value)!
            let shown = TerminalText.block("a\(Character(scalar))b")
            if value == 0x0A || value == 0x09 {
                XCTAssertEqual(shown, "a\(Character(scalar))b", "line feed and tab are layout in a block")
            } else {
                XCTAssertFalse(shown.unicodeScalars.contains(where: actsOnTheTerminal), "U+\(String(value, radix: 16)): \(shown.debugDescription)")
            }
        }
    }

    /// Caret notation as `cat -v` writes it (C0 as ^ and the character 0x40 above; DEL as ^?), and
    /// U+XXXX for the rest.
    func testTheNotation() {
        XCTAssertEqual(TerminalText.line("\u{1B}]0;pwned\u{07}"), "^[]0;pwned^G")
        XCTAssertEqual(TerminalText.line("\u{0}\u{8}\u{D}\u{7F}\u{1F}"), "^@^H^M^?^_")
        XCTAssertEqual(TerminalText.line("two\nlines\tand a tab"), "two^Jlines^Iand a tab")
        XCTAssertEqual(TerminalText.block("two\nlines\tand a tab\r\n"), "two\nlines\tand a tab^M\n")
        XCTAssertEqual(TerminalText.line("\u{9B}31m"), "<U+009B>31m")
        XCTAssertEqual(TerminalText.line("\u{202E}evil\u{202C}"), "<U+202E>evil<U+202C>")
        XCTAssertEqual(TerminalText.line("tag\u{E0041}"), "tag<U+E0041>")
    }

    func testBidirectionalAndInvisibleFormatCharactersBecomeVisible() {
        let hidden: [UInt32] = [0x061C, 0x00AD, 0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                0x2028, 0x2029, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF, 0xFFF9, 0xE0001, 0xE007F]
        for value in hidden {
            let shown = TerminalText.block("x" + String(Character(Unicode.Scalar(value)!)) + "y")
            let hex = String(value, radix: 16, uppercase: true)
            XCTAssertEqual(shown, "x<U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)>y")
        }
    }

    func testOrdinaryTextOfAnyScriptIsUnchanged() {
        let texts = [
            "a large red circle in the center on a white background",
            "caf\u{E9} cr\u{E8}me, na\u{EF}ve, \u{C5}ngstr\u{F6}m",
            "e\u{301} (combining acute), \u{1E9B}\u{323}",
            "\u{732B}\u{3068}\u{5186} \u{2014} \u{0440}\u{0438}\u{0441}\u{0443}\u{043D}\u{043E}\u{043A}",
            "\u{05E9}\u{05DC}\u{05D5}\u{05DD} \u{0645}\u{0631}\u{062D}\u{0628}\u{0627}",  // Hebrew and Arabic letters: no override
            "\u{0928}\u{092E}\u{0938}\u{094D}\u{200D}\u{0924}\u{0947} \u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}",
            "\u{1F431} \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} \u{1F44D}\u{1F3FD} \u{2764}\u{FE0F}",
            "symbols: \u{2192} \u{2211} \u{00B1} \u{20AC} \u{2588}\u{2580}",
            "printable ASCII: " + String((0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }),
        ]
        for text in texts {
            XCTAssertEqual(TerminalText.line(text), text)
            XCTAssertEqual(TerminalText.block(text), text)
        }
    }

    /// Every scalar of the first three planes and of the tag plane: shown as itself exactly when it
    /// does not act on the terminal, and never leaving anything that does.
    func testEveryScalarIsShownAsItselfOrMadeVisible() {
        let ranges: [ClosedRange<UInt32>] = [0...0xD7FF, 0xE000...0x2FFFF, 0xE0000...0xE01EF]
        for range in ranges {
            for value in range {
                let scalar = Unicode.Scalar(value)!
                let shown = TerminalText.line(String(Character(scalar)))
                if actsOnTheTerminal(scalar) {
                    XCTAssertNotEqual(shown, String(Character(scalar)), "U+\(String(value, radix: 16))")
                    XCTAssertFalse(shown.unicodeScalars.contains(where: actsOnTheTerminal), "U+\(String(value, radix: 16))")
                } else if shown != String(Character(scalar)) {
                    XCTFail("U+\(String(value, radix: 16)) was changed to \(shown.debugDescription)")
                }
            }
        }
    }

    func testSanitisingTwiceChangesNothingMore() {
        var generator = SystemRandomNumberGenerator()
        let pool: [UInt32] = Array(0...0x9F) + [0x202E, 0x200B, 0x200D, 0xFEFF, 0x2028, 0x5186, 0x1F431, 0x301, 0x5E, 0x5B, 0x3C, 0x55]
        for _ in 0..<500 {
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 0...40, using: &generator)).map { _ in
                Unicode.Scalar(pool.randomElement(using: &generator)!)!
            }))
            let line = TerminalText.line(text), block = TerminalText.block(text)
            XCTAssertEqual(TerminalText.line(line), line, text.debugDescription)
            XCTAssertEqual(TerminalText.block(block), block, text.debugDescription)
            XCTAssertFalse(line.unicodeScalars.contains(where: actsOnTheTerminal), text.debugDescription)
            XCTAssertFalse(block.unicodeScalars.contains { actsOnTheTerminal($0) && $0 != "\n" && $0 != "\t" }, text.debugDescription)
        }
    }
}
