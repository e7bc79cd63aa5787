import Foundation
import DiTEngine

extension FuzzTarget {
    /// A `tokenizer.json`, read as the text encoder reads it (with and without the context length
    /// that pads every prompt to it), then used on a few prompts and on the input's own text.
    public static let tokenizer = FuzzTarget(
        name: "tokenizer",
        summary: "a tokenizer.json: decoding, normalizers, pre-tokenizers, template, encoding prompts"
    ) { input in
        let url = URL(fileURLWithPath: "tokenizer.json")
        let prompts = ["a large red circle at the top left", "", "  Two BLUE squares,  über <pad> </s> unknownword ",
                       String(decoding: input.prefix(200), as: UTF8.self)]
        for contextLength in [nil, 77] as [Int?] {
            let tokenizer = try Tokenizer(data: Data(input), url: url, contextLength: contextLength)
            for prompt in prompts {
                let encoded = tokenizer.encode(prompt)
                if let contextLength {
                    precondition(encoded.ids.count == contextLength, "a prompt must be padded or truncated to the context length")
                }
                precondition(encoded.length <= encoded.ids.count, "more real tokens than ids")
            }
        }
    }
}
