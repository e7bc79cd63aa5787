/// The parts of a Hugging Face `tokenizers` `tokenizer.json` this engine understands, decoded
/// with `Codable`. Components are enums keyed by their `"type"`; a type the engine does not
/// implement decodes as `.unsupported(type)` so the tokenizer can refuse it with a clear message
/// instead of failing deep inside the decoder.
struct TokenizerFile: Decodable {
    var model: ModelSpec
    var normalizer: NormalizerSpec?
    var preTokenizer: PreTokenizerSpec?
    var postProcessor: PostProcessorSpec?
    var truncation: TruncationSpec?
    var padding: PaddingSpec?
    var addedTokens: [AddedTokenSpec]?

    enum CodingKeys: String, CodingKey {
        case model, normalizer, truncation, padding
        case preTokenizer = "pre_tokenizer"
        case postProcessor = "post_processor"
        case addedTokens = "added_tokens"
    }

    enum TypeKey: String, CodingKey { case type }

    enum ModelSpec: Decodable {
        case wordLevel(vocab: [String: Int], unknownToken: String)
        case unsupported(String)

        enum Keys: String, CodingKey { case type, vocab, unkToken = "unk_token" }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            // `type` may be absent in old files; a `vocab` object with `unk_token` is WordLevel.
            let type = try container.decodeIfPresent(String.self, forKey: .type) ?? "WordLevel"
            switch type {
            case "WordLevel":
                self = .wordLevel(vocab: try container.decode([String: Int].self, forKey: .vocab),
                                  unknownToken: try container.decode(String.self, forKey: .unkToken))
            default:
                self = .unsupported(type)
            }
        }
    }

    indirect enum NormalizerSpec: Decodable {
        case lowercase
        case nfc, nfd, nfkc, nfkd
        case strip(left: Bool, right: Bool)
        case replace(pattern: Pattern, content: String)
        case sequence([NormalizerSpec])
        case unsupported(String)

        enum Keys: String, CodingKey {
            case type, normalizers, pattern, content
            case stripLeft = "strip_left", stripRight = "strip_right"
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            let type = try container.decode(String.self, forKey: .type)
            switch type {
            case "Lowercase": self = .lowercase
            case "NFC": self = .nfc
            case "NFD": self = .nfd
            case "NFKC": self = .nfkc
            case "NFKD": self = .nfkd
            case "Strip":
                self = .strip(left: try container.decodeIfPresent(Bool.self, forKey: .stripLeft) ?? true,
                              right: try container.decodeIfPresent(Bool.self, forKey: .stripRight) ?? true)
            case "Replace":
                self = .replace(pattern: try container.decode(Pattern.self, forKey: .pattern),
                                content: try container.decode(String.self, forKey: .content))
            case "Sequence":
                self = .sequence(try container.decode([NormalizerSpec].self, forKey: .normalizers))
            default:
                self = .unsupported(type)
            }
        }
    }

    /// A `Replace`/`Split` pattern: `{"String": "…"}` or `{"Regex": "…"}`.
    enum Pattern: Decodable {
        case string(String)
        case regex(String)

        enum Keys: String, CodingKey { case string = "String", regex = "Regex" }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let value = try container.decodeIfPresent(String.self, forKey: .string) {
                self = .string(value)
            } else {
                self = .regex(try container.decode(String.self, forKey: .regex))
            }
        }
    }

    indirect enum PreTokenizerSpec: Decodable {
        case whitespace
        case whitespaceSplit
        case sequence([PreTokenizerSpec])
        case unsupported(String)

        enum Keys: String, CodingKey { case type, pretokenizers }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            let type = try container.decode(String.self, forKey: .type)
            switch type {
            case "Whitespace": self = .whitespace
            case "WhitespaceSplit": self = .whitespaceSplit
            case "Sequence": self = .sequence(try container.decode([PreTokenizerSpec].self, forKey: .pretokenizers))
            default: self = .unsupported(type)
            }
        }
    }

    enum PostProcessorSpec: Decodable {
        case template(single: [TemplatePiece], specialTokens: [String: SpecialTokenSpec])
        case unsupported(String)

        enum Keys: String, CodingKey { case type, single, specialTokens = "special_tokens" }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            let type = try container.decode(String.self, forKey: .type)
            switch type {
            case "TemplateProcessing":
                self = .template(single: try container.decode([TemplatePiece].self, forKey: .single),
                                 specialTokens: try container.decodeIfPresent([String: SpecialTokenSpec].self,
                                                                              forKey: .specialTokens) ?? [:])
            default:
                self = .unsupported(type)
            }
        }
    }

    /// One item of a template: `{"SpecialToken": {"id": "<bos>"}}` or `{"Sequence": {"id": "A"}}`.
    enum TemplatePiece: Decodable {
        case special(String)
        case sequence(String)

        enum Keys: String, CodingKey { case specialToken = "SpecialToken", sequence = "Sequence" }
        struct Inner: Decodable { var id: String }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let special = try container.decodeIfPresent(Inner.self, forKey: .specialToken) {
                self = .special(special.id)
            } else {
                self = .sequence(try container.decode(Inner.self, forKey: .sequence).id)
            }
        }
    }

    struct SpecialTokenSpec: Decodable {
        var id: String
        var ids: [Int]
    }

    struct TruncationSpec: Decodable {
        var maxLength: Int
        var direction: String?

        enum CodingKeys: String, CodingKey { case maxLength = "max_length", direction }
    }

    struct PaddingSpec: Decodable {
        /// `"BatchLongest"` or `{"Fixed": n}`.
        var fixedLength: Int?
        var padID: Int
        var padToken: String?
        var direction: String?

        enum CodingKeys: String, CodingKey {
            case strategy, direction
            case padID = "pad_id", padToken = "pad_token"
        }
        enum StrategyKeys: String, CodingKey { case fixed = "Fixed" }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            padID = try container.decodeIfPresent(Int.self, forKey: .padID) ?? 0
            padToken = try container.decodeIfPresent(String.self, forKey: .padToken)
            direction = try container.decodeIfPresent(String.self, forKey: .direction)
            if let strategy = try? container.nestedContainer(keyedBy: StrategyKeys.self, forKey: .strategy) {
                fixedLength = try strategy.decodeIfPresent(Int.self, forKey: .fixed)
            } else {
                fixedLength = nil  // "BatchLongest": a single sequence is not padded
            }
        }
    }

    struct AddedTokenSpec: Decodable {
        var id: Int
        var content: String
        var normalized: Bool?
        var special: Bool?
    }
}
