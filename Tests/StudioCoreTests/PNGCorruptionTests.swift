import Foundation
import XCTest
@testable import StudioCore

/// Broken input never aborts the process (libpng's longjmp stays in C): it throws an error that
/// names the file and says what is wrong.
final class PNGCorruptionTests: XCTestCase {
    private func validPNG() throws -> Data {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("valid.png")
        let pixels = (0..<16 * 9 * 3).map { (index: Int) -> UInt8 in UInt8(index * 13 % 256) }
        let image = RGBImage(width: 16, height: 9, pixels: pixels)
        try PNGFile.write(image, textChunks: [PNGTextChunk(keyword: "parameters", text: "a prompt")], to: url)
        return try Data(contentsOf: url)
    }

    private func readError(_ data: Data, name: String = "broken.png") throws -> String {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent(name)
        try data.write(to: url)
        do {
            _ = try PNGFile.read(from: url)
        } catch let error as PNGError {
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(url.path + ": "), "the error names the file: \(message)")
            XCTAssertFalse(message.contains("\n"), "one line: \(message)")
            return message
        }
        XCTFail("reading \(name) should fail")
        return ""
    }

    func testNonPNGFilesAreRejectedByTheirSignature() throws {
        XCTAssertTrue(try readError(Data("hello, world\n".utf8)).contains("not a PNG file"))
        XCTAssertTrue(try readError(Data()).contains("not a PNG file"))
        XCTAssertTrue(try readError(Data([0x89, 0x50, 0x4E])).contains("not a PNG file"))
    }

    func testTruncatedFilesSayTheyAreTruncated() throws {
        let data = try validPNG()
        for length in [8, 12, 20, 33, 40, data.count / 2, data.count - 13, data.count - 1] {
            let message = try readError(data.prefix(length))
            XCTAssertTrue(message.contains("truncated"), "\(length) bytes: \(message)")
        }
    }

    func testCorruptImageDataIsReported() throws {
        var data = try validPNG()
        // The first IDAT chunk: flip its data bytes, so both its CRC and its zlib stream break.
        let idat = try XCTUnwrap(data.range(of: Data("IDAT".utf8)))
        for offset in idat.upperBound..<(idat.upperBound + 6) { data[offset] ^= 0x5A }
        let message = try readError(data)
        XCTAssertTrue(message.contains("CRC") || message.contains("IDAT"), message)
    }

    func testBadHeaderIsReported() throws {
        var data = try validPNG()
        data[16...19] = Data([0, 0, 0, 0]) // width 0 in IHDR (CRC now wrong as well)
        XCTAssertTrue(try readError(data).contains("cannot read PNG"))
    }

    func testEveryPrefixAndEveryFlippedByteFailsOrDecodesWithoutCrashing() throws {
        let data = try validPNG()
        let original = try PNGFile.read(from: try makeTemporaryDirectory(for: self).appendingPathComponent("valid.png").writing(data))
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("mutant.png")
        for length in 0..<data.count {
            try data.prefix(length).write(to: url)
            XCTAssertThrowsError(try PNGFile.read(from: url), "a \(length)-byte prefix cannot be a whole PNG")
        }
        // The tEXt chunk's data and CRC: the only bytes whose flip libpng may forgive (a bad CRC in an
        // ancillary chunk drops the chunk). Its length and type fields are not among them: a wrong
        // length or type breaks the chunk sequence.
        let type = try XCTUnwrap(data.range(of: Data("tEXt".utf8)))
        let length = data[(type.lowerBound - 4)..<type.lowerBound].reduce(0) { $0 << 8 | Int($1) }
        let forgivable = type.upperBound..<(type.upperBound + length + 4)
        var forgiven = 0
        for offset in 0..<data.count {
            var mutant = data
            mutant[offset] ^= 0xFF
            try mutant.write(to: url)
            do {
                let png = try PNGFile.read(from: url)
                XCTAssertTrue(forgivable.contains(offset), "a flip at byte \(offset) outside the tEXt chunk was not noticed")
                // Decoded: the same pixels, the text chunk left out and said to be.
                XCTAssertEqual(png.image, original.image, "byte \(offset)")
                XCTAssertEqual(png.textChunks, [], "byte \(offset)")
                XCTAssertEqual(png.droppedTextChunks?.count, 1, "byte \(offset)")
                XCTAssertEqual(png.droppedTextChunks?.reason, "tEXt: CRC error", "byte \(offset)")
                forgiven += 1
            } catch let error as PNGError {
                guard case let .unreadable(path, reason) = error else { return XCTFail("byte \(offset): \(error)") }
                XCTAssertEqual(path, url.path)
                XCTAssertFalse(reason.isEmpty, "byte \(offset)")
            }
        }
        XCTAssertEqual(forgiven, forgivable.count, "every flip in the tEXt data or CRC only drops the chunk")
    }

    func testMissingFilesAndDirectoriesNameThePath() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let missing = directory.appendingPathComponent("nope.png")
        XCTAssertThrowsError(try PNGFile.read(from: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing.path): cannot read PNG: No such file or directory")
        }
        XCTAssertThrowsError(try PNGFile.read(from: directory)) { error in
            XCTAssertTrue("\(error)".hasPrefix(directory.path + ": cannot read PNG: "), "\(error)")
        }
    }
}

private extension URL {
    /// Writes `data` here and returns the URL.
    func writing(_ data: Data) throws -> URL {
        try data.write(to: self)
        return self
    }
}
