import Foundation
import XCTest
@testable import StudioCore

final class PNGTextChunkTests: XCTestCase {
    private let image = RGBImage(width: 3, height: 2, fill: RGB8(10, 20, 30))

    private func roundTrip(_ chunks: [PNGTextChunk]) throws -> [PNGTextChunk] {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("text.png")
        try PNGFile.write(image, textChunks: chunks, to: url)
        return try PNGFile.read(from: url).textChunks
    }

    func testLatin1TextIsWrittenAsTEXtAndOtherTextAsITXt() throws {
        let chunks = [
            PNGTextChunk(keyword: "parameters", text: "a cat\nSteps: 20, Sampler: Euler, Seed: 42"),
            PNGTextChunk(keyword: "Comment", text: "caf\u{E9} cr\u{E8}me \u{B1}\u{FF}"),     // Latin-1
            PNGTextChunk(keyword: "Title", text: "\u{732B} \u{2014} \u{0440}\u{0438}\u{0441} \u{1F431}"), // not
            PNGTextChunk(keyword: "Empty", text: ""),
            PNGTextChunk(keyword: "Caf\u{E9} \u{A9}", text: "keyword in Latin-1"),
        ]
        let read = try roundTrip(chunks)
        XCTAssertEqual(read.map(\.keyword), chunks.map(\.keyword))
        XCTAssertEqual(read.map(\.text), chunks.map(\.text))
        XCTAssertEqual(read.map(\.kind), [.text, .text, .internationalText, .text, .text])
        XCTAssertEqual(read[2].languageTag, "")
        XCTAssertEqual(read[2].translatedKeyword, "")
    }

    func testLongTextSurvives() throws {
        let text = String(repeating: "masterpiece, best quality, \u{1F3A8} ", count: 3000) // about 90 KB of UTF-8
        XCTAssertEqual(try roundTrip([PNGTextChunk(keyword: "prompt", text: text)]).first?.text, text)
    }

    func testTextForKeywordFindsTheFirstMatch() throws {
        let decoded = PNGImage(image: image, format: PNGFormat(colorType: .rgb, bitDepth: 8), textChunks: [
            PNGTextChunk(keyword: "a", text: "1"), PNGTextChunk(keyword: "b", text: "2"), PNGTextChunk(keyword: "a", text: "3"),
        ])
        XCTAssertEqual(decoded.text(forKeyword: "a"), "1")
        XCTAssertEqual(decoded.text(forKeyword: "b"), "2")
        XCTAssertNil(decoded.text(forKeyword: "c"))
    }

    func testInvalidKeywordsAndTextAreRefusedWithoutWritingAFile() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let url = directory.appendingPathComponent("bad.png")
        let cases: [(PNGTextChunk, String)] = [
            (PNGTextChunk(keyword: "", text: "x"), "1 to 79 characters"),
            (PNGTextChunk(keyword: String(repeating: "k", count: 80), text: "x"), "1 to 79 characters"),
            (PNGTextChunk(keyword: "\u{732B}", text: "x"), "printable Latin-1"),
            (PNGTextChunk(keyword: "tab\there", text: "x"), "printable Latin-1"),
            (PNGTextChunk(keyword: " lead", text: "x"), "space"),
            (PNGTextChunk(keyword: "trail ", text: "x"), "space"),
            (PNGTextChunk(keyword: "two  spaces", text: "x"), "space"),
            (PNGTextChunk(keyword: "nul", text: "a\u{0}b"), "NUL"),
        ]
        for (chunk, reason) in cases {
            XCTAssertThrowsError(try PNGFile.write(image, textChunks: [chunk], to: url)) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(error)")
                XCTAssertTrue("\(error)".contains("\"\(chunk.keyword)\""), "\(error) should name the keyword")
            }
        }
        XCTAssertEqual(try directoryListing(directory), [])
    }
}
