import XCTest
@testable import StudioTUI

final class InputDecoderTests: XCTestCase {
    private func feed(_ text: String, _ decoder: inout InputDecoder) -> [InputEvent] {
        text.unicodeScalars.flatMap { decoder.feed(.character($0.value)) }
    }

    func testControlBytesBecomeKeys() {
        var decoder = InputDecoder()
        XCTAssertEqual(feed("a\r\t\u{7F}\u{11}\u{03}", &decoder),
                       [.key(.character("a")), .key(.enter), .key(.tab), .key(.backspace), .key(.ctrl("q")), .key(.ctrl("c"))])
    }

    func testBracketedPasteArrivesWholeWithControlBytesInside() {
        var decoder = InputDecoder()
        let events = feed("\u{1B}[200~line one\nline\u{1B}two\u{1B}[201~x", &decoder)
        XCTAssertEqual(events, [.paste("line one\nline\u{1B}two"), .key(.character("x"))])
    }

    func testALoneEscapeIsTheEscapeKeyAndEscapeLetterIsAlt() {
        var decoder = InputDecoder()
        XCTAssertEqual(feed("\u{1B}", &decoder), [])
        XCTAssertTrue(decoder.isMidSequence)
        XCTAssertEqual(decoder.flush(), [.key(.escape)])
        XCTAssertEqual(feed("\u{1B}b", &decoder), [.key(.alt("b"))])
        XCTAssertEqual(feed("\u{1B}[1;2A", &decoder), [.key(.shiftUp)])
        XCTAssertEqual(feed("\u{1B}[99~", &decoder), [.key(.unknown("ESC[99~"))])
    }

    func testFunctionKeysByCursesName() {
        var decoder = InputDecoder()
        XCTAssertEqual(decoder.feed(.functionKey("KEY_UP")), [.key(.up)])
        XCTAssertEqual(decoder.feed(.functionKey("KEY_SR")), [.key(.shiftUp)])
        XCTAssertEqual(decoder.feed(.functionKey("KEY_F(1)")), [.key(.function(1))])
        XCTAssertEqual(decoder.feed(.functionKey("kFOO")), [.key(.unknown("kFOO"))])
        XCTAssertEqual(decoder.feed(.resize), [.resize])
    }

    func testAPasteWithoutItsEndMarkerIsDeliveredOnFlush() {
        var decoder = InputDecoder()
        XCTAssertEqual(feed("\u{1B}[200~abc", &decoder), [])
        XCTAssertTrue(decoder.isInPaste)
        XCTAssertEqual(decoder.feed(.functionKey("KEY_UP")), [], "keys inside a paste are dropped")
        XCTAssertEqual(decoder.flush(), [.paste("abc")])
    }
}
