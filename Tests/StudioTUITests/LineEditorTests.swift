import XCTest
@testable import StudioTUI

final class LineEditorTests: XCTestCase {
    func testCursorAndWordMotionsAndEmacsKeys() {
        var editor = LineEditor("a red circle")
        XCTAssertEqual(editor.cursor, 12)
        XCTAssertTrue(editor.handle(.ctrlLeft))
        XCTAssertEqual(editor.cursor, 6)
        XCTAssertTrue(editor.handle(.ctrl("w")))
        XCTAssertEqual(editor.text, "a circle")
        XCTAssertTrue(editor.handle(.ctrl("y")))
        XCTAssertEqual(editor.text, "a red circle")
        _ = editor.handle(.ctrl("a"))
        XCTAssertEqual(editor.cursor, 0)
        _ = editor.handle(.alt("f"))
        XCTAssertEqual(editor.cursor, 1)
        _ = editor.handle(.ctrl("k"))
        XCTAssertEqual(editor.text, "a")
        _ = editor.handle(.end)
        _ = editor.handle(.backspace)
        XCTAssertEqual(editor.text, "")
        _ = editor.handle(.backspace)
        _ = editor.handle(.delete)
        XCTAssertEqual(editor.text, "", "deleting at the edges does nothing")
        XCTAssertFalse(editor.handle(.function(5)))
    }

    func testInsertMakesOneLineAndDropsControlCharacters() {
        var editor = LineEditor()
        editor.insert("red\ncircle\tbig\u{1B}[2J\u{7}")
        XCTAssertEqual(editor.text, "red circle big[2J")
        editor = LineEditor("ab")
        _ = editor.handle(.left)
        editor.insert("日本")
        XCTAssertEqual(editor.text, "a日本b")
        XCTAssertEqual(editor.cursor, 3)
    }

    func testRecallWalksEarlierEntriesAndBackToTheDraft() {
        var editor = LineEditor()
        editor.insert("first"); editor.commit()
        editor.insert("second"); editor.commit()
        editor.insert("draft")
        _ = editor.handle(.up)
        XCTAssertEqual(editor.text, "second")
        _ = editor.handle(.up)
        _ = editor.handle(.up)
        XCTAssertEqual(editor.text, "first")
        _ = editor.handle(.down)
        _ = editor.handle(.down)
        XCTAssertEqual(editor.text, "draft")
    }

    func testWindowKeepsTheCursorVisible() {
        let editor = LineEditor(String(repeating: "x", count: 100))
        let window = editor.window(width: 20)
        XCTAssertEqual(window.start, 81)
        XCTAssertEqual(window.cursorColumn, 19)
        XCTAssertEqual(editor.wordRanges, [0..<100])
    }
}
