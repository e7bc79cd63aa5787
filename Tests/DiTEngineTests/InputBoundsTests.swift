import Foundation
import XCTest
@testable import DiTEngine

/// Outside input that once could crash or mislead: absurd config integers, sizes whose attention would
/// not fit in memory, and unknown words that truncation removed.
final class InputBoundsTests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference")

    func testAbsurdConfigIntegersAreRefusedWithTheKeyNamed() throws {
        let config = try ModelConfig(data: Data(#"{"num_layers": 999999999999, "heads": 16777216}"#.utf8),
                                     name: "transformer/config.json")
        XCTAssertEqual(try config.int("heads"), 1 << 24, "the limit itself is accepted")
        XCTAssertThrowsError(try config.int("num_layers")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("num_layers") && message.contains("transformer/config.json"), message)
        }
    }

    func testImagesWithMoreTokensThanAttentionCanHoldAreRefused() throws {
        // No pos_embed_max_size: only the token bound limits the size. Patch 2 → 8192² px = 4096² tokens.
        let geometry = ImageGeometry(patchSize: 2, maxPatchesPerSide: nil, channels: 4, downsamplingFactor: 8)
        XCTAssertNoThrow(try geometry.validate(width: 1024, height: 1024), "SD3's 1024² (4096 tokens) is fine")
        XCTAssertThrowsError(try geometry.validate(width: 8192, height: 8192)) { error in
            XCTAssertTrue("\(error)".contains("image tokens"), "\(error)")
        }
    }

    func testUnknownWordsCutOffByTruncationAreNotReported() throws {
        // sd3_basic's tokenizer: 16 positions, so 14 words fit between <bos> and <eos>.
        let tokenizer = try Tokenizer(url: fixtures.appendingPathComponent("sd3_basic/tokenizer/tokenizer.json"))
        let kept = Array(repeating: "red", count: 13) + ["zebra"]
        let dropped = ["hexagon"]
        let text = tokenizer.encode((kept + dropped).joined(separator: " "))
        XCTAssertTrue(text.truncated)
        XCTAssertEqual(text.unknownWords, ["zebra"], "only words the model still sees are reported")
    }
}
