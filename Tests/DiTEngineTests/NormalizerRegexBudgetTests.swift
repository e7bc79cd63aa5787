import Foundation
import XCTest
@testable import DiTEngine

/// The `Replace` normalizer's regex comes from tokenizer.json. One that backtracks catastrophically
/// hung tokenising a prompt (found by fuzzing); its matching is now cut off after a budget of work.
final class NormalizerRegexBudgetTests: XCTestCase {
    private func replace(_ pattern: String, _ replacement: String, in text: String) throws -> String {
        Normalizer.replaceRegex(NSRegularExpressionBox(try NSRegularExpression(pattern: pattern)), with: replacement).apply(text)
    }

    func testReplacementsMatchFoundationsOwn() throws {
        // Foundation's stringByReplacingMatches is the reference, with the replacement taken literally.
        let cases: [(String, String, String)] = [
            (#"\s+"#, " ", "  a large\t\tred  circle \n"), ("x*", "-", "abc"), ("é|e\u{301}", "e", "café cafe\u{301} é"),
            ("[,.]", " $1\\", "a,b.c"), ("^", "<", "two words"), ("🐱+", "cat", "a 🐱🐱 b"),
        ]
        for (pattern, replacement, text) in cases {
            let expression = try NSRegularExpression(pattern: pattern)
            let expected = expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                               withTemplate: NSRegularExpression.escapedTemplate(for: replacement))
            XCTAssertEqual(try replace(pattern, replacement, in: text), expected, pattern)
        }
    }

    func testCatastrophicBacktrackingStopsAndLeavesTheTextAsItIs() throws {
        // (a|a)+$ on 40 a's and a '!' needs about 2^40 steps; a 26-character prompt took seconds before.
        let text = String(repeating: "a", count: 40) + "!"
        let start = Date()
        XCTAssertEqual(try replace("(a|a)+$", "x", in: text), text)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "the budget bounds the work")
        // Matches found before the budget runs out are still replaced.
        XCTAssertEqual(try replace("b|(a|a)+$", "x", in: "b" + text), "x" + text)
    }
}
