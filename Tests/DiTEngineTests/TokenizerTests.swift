import Foundation
import XCTest
@testable import DiTEngine

/// The tokenizer against the `tokenizers` library (0.23.3). Expected ids come from
/// `Tokenizer.from_file("Tests/Fixtures/reference/sd3_bf16/tokenizer/tokenizer.json").encode(s).ids`
/// unless a comment says otherwise.
final class TokenizerTests: XCTestCase {
    var fixtureTokenizerURL: URL {
        ReferenceCase.root.appendingPathComponent("sd3_bf16/tokenizer/tokenizer.json")
    }

    func testMatchesTokenizersLibrary() throws {
        let tokenizer = try Tokenizer(url: fixtureTokenizerURL)
        let cases: [(String, [Int])] = [
            // Added tokens are matched in the raw text before normalisation and splitting.
            ("a red<eos> circle", [2, 4, 7, 3, 17, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            ("Red-circle, 3d!! naïve café", [2, 7, 1, 17, 1, 1, 1, 1, 1, 3, 0, 0, 0, 0, 0, 0]),
            ("  ", [2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            ("a <pad> square<unk>", [2, 4, 0, 18, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            ("A\tRED\ncircle", [2, 4, 7, 17, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(tokenizer.encode(text).ids, expected, text)
        }
    }

    func testReportsUnknownWordsAndLength() throws {
        let result = try Tokenizer(url: fixtureTokenizerURL).encode("A  Large BLUE magenta triangle, at")
        XCTAssertEqual(result.unknownWords, ["magenta", ","])
        XCTAssertEqual(result.length, 9)  // <bos> a large blue <unk> triangle <unk> at <eos>
        XCTAssertFalse(result.truncated)
    }

    // pre_tokenizer.pre_tokenize_str("Hello, world!! café-au_lait 3d") with Whitespace →
    // Hello , world !! café - au_lait 3d; with WhitespaceSplit "left, on the\tright." → left, on the right.
    func testPreTokenizers() {
        XCTAssertEqual(PreTokenizer.whitespace.split("Hello, world!! café-au_lait 3d"),
                       ["Hello", ",", "world", "!!", "café", "-", "au_lait", "3d"])
        XCTAssertEqual(PreTokenizer.whitespaceSplit.split("left, on the\tright."), ["left,", "on", "the", "right."])
    }

    func testTruncationKeepsEOSLastAndPaddingFillsContext() throws {
        let tokenizer = try Tokenizer(url: fixtureTokenizerURL)
        let long = Array(repeating: "red", count: 20).joined(separator: " ")
        let result = tokenizer.encode(long)
        XCTAssertTrue(result.truncated)
        XCTAssertEqual(result.ids.count, 16)
        XCTAssertEqual(result.ids.first, 2)
        XCTAssertEqual(result.ids.last, 3)
        XCTAssertEqual(result.length, 16)
        // A shorter context (the text encoder's max_position_embeddings) truncates and pads to it.
        let short = try Tokenizer(url: fixtureTokenizerURL, contextLength: 5)
        XCTAssertEqual(short.encode(long).ids, [2, 7, 7, 7, 3])
        XCTAssertEqual(short.encode("red").ids, [2, 7, 3, 0, 0])
    }

    /// A minimal file: no padding/truncation sections, Sequence normaliser, Left truncation.
    func testMinimalTokenizerJSON() throws {
        let json = """
        {"model": {"type": "WordLevel", "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "cat": 3, "dog": 4}, "unk_token": "<unk>"},
         "normalizer": {"type": "Sequence", "normalizers": [{"type": "Strip", "strip_left": true, "strip_right": true}, {"type": "Lowercase"}]},
         "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}]},
         "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}], "special_tokens": {}},
         "truncation": {"max_length": 4, "direction": "Left"}, "padding": null, "added_tokens": []}
        """
        let tokenizer = try Tokenizer(data: Data(json.utf8), url: URL(fileURLWithPath: "inline.json"))
        XCTAssertEqual(tokenizer.encode(" Cat DOG ").ids, [1, 3, 4, 2])
        let truncated = tokenizer.encode("cat dog bird")
        XCTAssertEqual(truncated.ids, [1, 4, 0, 2])  // Left truncation keeps the last words
        XCTAssertEqual(truncated.unknownWords, ["bird"])
        XCTAssertTrue(truncated.truncated)
    }

    func testRefusesUnsupportedComponents() {
        let url = URL(fileURLWithPath: "bad.json")
        func load(_ json: String) throws { _ = try Tokenizer(data: Data(json.utf8), url: url) }
        let wordLevel = #""model": {"type": "WordLevel", "vocab": {"<unk>": 0}, "unk_token": "<unk>"}"#
        XCTAssertThrowsError(try load(#"{"model": {"type": "BPE", "vocab": {}, "merges": []}}"#)) {
            XCTAssertEqual($0 as? EngineError, .unsupportedTokenizer(url, component: "model", type: "BPE"))
        }
        XCTAssertThrowsError(try load("{\(wordLevel), \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}")) {
            XCTAssertEqual($0 as? EngineError, .unsupportedTokenizer(url, component: "pre_tokenizer", type: "ByteLevel"))
        }
        XCTAssertThrowsError(try load("{\(wordLevel), \"normalizer\": {\"type\": \"BertNormalizer\"}}")) {
            XCTAssertEqual($0 as? EngineError, .unsupportedTokenizer(url, component: "normalizer", type: "BertNormalizer"))
        }
        XCTAssertThrowsError(try load("{\(wordLevel), \"post_processor\": {\"type\": \"RobertaProcessing\"}}")) {
            XCTAssertEqual($0 as? EngineError, .unsupportedTokenizer(url, component: "post_processor", type: "RobertaProcessing"))
        }
        // Not JSON, missing model, unk token outside the vocabulary: invalid file, with a reason.
        for bad in ["{not json", #"{"normalizer": null}"#,
                    #"{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "<unk>"}}"#] {
            XCTAssertThrowsError(try load(bad)) { error in
                guard case .invalidFile(let at, let reason)? = error as? EngineError else {
                    return XCTFail("expected invalidFile, got \(error)")
                }
                XCTAssertEqual(at, url)
                XCTAssertFalse(reason.isEmpty)
            }
        }
        XCTAssertThrowsError(try Tokenizer(url: URL(fileURLWithPath: "/nonexistent/tokenizer.json"))) {
            XCTAssertEqual($0 as? EngineError, .missingFile(URL(fileURLWithPath: "/nonexistent/tokenizer.json")))
        }
    }
}
