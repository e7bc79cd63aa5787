import Foundation
import XCTest
@testable import StudioCore

/// PNGs written by another encoder (Pillow, see Tests/Fixtures/png/make_png_fixtures.py) decode to
/// the pixels and texts that script recorded in expected.json.
final class PNGFixtureTests: XCTestCase {
    private struct Expected: Decodable {
        struct Text: Decodable {
            var keyword: String
            var text: String
            var kind: String
            var languageTag: String?
            var translatedKeyword: String?
        }
        var bitDepth: Int
        var colorType: Int32
        var width: Int
        var height: Int
        var rgb: [UInt8]
        var alpha: [UInt8]?
        var text: [Text]
    }

    func testEveryPillowFixtureDecodesAsRecorded() throws {
        let data = try Data(contentsOf: fixtureURL("png/expected.json"))
        let expectations = try JSONDecoder().decode([String: Expected].self, from: data)
        XCTAssertGreaterThanOrEqual(expectations.count, 8)
        for (name, expected) in expectations.sorted(by: { $0.key < $1.key }) {
            let decoded = try PNGFile.read(from: fixtureURL("png/\(name)"))
            XCTAssertEqual(decoded.format.colorType.rawValue, expected.colorType, name)
            XCTAssertEqual(decoded.format.bitDepth, expected.bitDepth, name)
            XCTAssertEqual(decoded.image.width, expected.width, name)
            XCTAssertEqual(decoded.image.height, expected.height, name)
            XCTAssertEqual(decoded.image.pixels, expected.rgb, name)
            XCTAssertEqual(decoded.alpha, expected.alpha, name)
            XCTAssertEqual(decoded.textChunks.map(\.keyword), expected.text.map(\.keyword), name)
            XCTAssertEqual(decoded.textChunks.map(\.text), expected.text.map(\.text), name)
            XCTAssertEqual(decoded.textChunks.map(\.kind.rawValue), expected.text.map(\.kind), name)
            XCTAssertEqual(decoded.textChunks.map(\.languageTag), expected.text.map { $0.languageTag ?? "" }, name)
            XCTAssertEqual(decoded.textChunks.map(\.translatedKeyword), expected.text.map { $0.translatedKeyword ?? "" }, name)
        }
    }

    func testA1111ParametersChunkIsReadVerbatim() throws {
        let decoded = try PNGFile.read(from: fixtureURL("png/pillow_rgb8_parameters.png"))
        XCTAssertEqual(decoded.text(forKeyword: "parameters"), """
            a red circle on a blue square, flat colours
            Negative prompt: blurry
            Steps: 20, Sampler: Euler, CFG scale: 4.5, Seed: 1234, Size: 5x3, Model: shapes-mmdit
            """)
    }
}
