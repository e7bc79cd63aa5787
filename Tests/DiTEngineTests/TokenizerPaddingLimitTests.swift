import Foundation
import XCTest
import DiTEngine

/// A tokenizer.json whose fixed padding is huge made every prompt allocate that many ids and
/// crashed (found by fuzzing); it is refused when read, naming the value.
final class TokenizerPaddingLimitTests: XCTestCase {
    private let url = URL(fileURLWithPath: "/models/m/tokenizer/tokenizer.json")

    private func tokenizer(fixed: Int, contextLength: Int? = nil) throws -> Tokenizer {
        let json = #"{"model": {"type": "WordLevel", "vocab": {"<unk>": 0, "<pad>": 1, "a": 2}, "unk_token": "<unk>"},"#
            + #" "padding": {"strategy": {"Fixed": \#(fixed)}, "pad_id": 1}}"#
        return try Tokenizer(data: Data(json.utf8), url: url, contextLength: contextLength)
    }

    func testAFixedPaddingWithinTheLimitPadsEveryPrompt() throws {
        XCTAssertEqual(try tokenizer(fixed: 4).encode("a").ids, [2, 1, 1, 1])
        XCTAssertEqual(try tokenizer(fixed: ModelConfig.integerLimit).paddedLength, ModelConfig.integerLimit)
    }

    func testAHugeOrNegativeFixedPaddingIsRefused() {
        for fixed in [ModelConfig.integerLimit + 1, 1_000_000_000_000_000, -1] {
            XCTAssertThrowsError(try tokenizer(fixed: fixed)) { error in
                XCTAssertTrue("\(error)".contains("\(fixed)") && "\(error)".contains("tokenizer.json"), "\(error)")
            }
        }
    }

    func testTheTextEncodersContextLengthReplacesTheFilesPadding() throws {
        // The pipeline always passes the context length, so a file's own padding never applies there.
        XCTAssertEqual(try tokenizer(fixed: 4, contextLength: 6).encode("a").ids, [2, 1, 1, 1, 1, 1])
    }
}
