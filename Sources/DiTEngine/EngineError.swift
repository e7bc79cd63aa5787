import Foundation

/// Everything that can go wrong while loading or running a model, with a message that names the
/// file, tensor or key at fault and what to do about it. Input from outside (model directories,
/// configs, prompts) never crashes the engine; it ends in one of these.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A file the model directory must contain is absent.
    case missingFile(URL)
    /// A file exists but cannot be parsed (JSON, safetensors, …); `reason` says what is wrong.
    case invalidFile(URL, reason: String)
    /// A config key is missing or has a value of the wrong kind or range.
    case invalidConfig(file: String, key: String, reason: String)
    /// A config asks for math this engine does not implement (e.g. an unknown activation).
    case unsupportedConfig(file: String, key: String, value: String)
    /// The weights file lacks a tensor the model needs.
    case missingTensor(file: String, name: String, expectedShape: [Int])
    /// The weights file holds tensors the model does not use (usually a config/weights mismatch).
    case unexpectedTensors(file: String, names: [String])
    /// A tensor's shape differs from what the config implies.
    case shapeMismatch(file: String, name: String, expected: [Int], actual: [Int])
    /// A tensor is stored in a dtype the engine cannot read as floats.
    case unsupportedDType(file: String, name: String, dtype: String)
    /// The tokenizer.json uses a component this engine does not implement.
    case unsupportedTokenizer(URL, component: String, type: String)
    /// A run-time input does not fit the model (shapes, sizes, token ids).
    case invalidInput(String)

    public var description: String {
        switch self {
        case .missingFile(let url):
            return "missing file \(url.path); the model directory must be in the diffusers layout (model_index.json, transformer/, text_encoder/, tokenizer/)"
        case .invalidFile(let url, let reason):
            return "cannot read \(url.path): \(reason)"
        case .invalidConfig(let file, let key, let reason):
            return "\(file): key '\(key)' \(reason)"
        case .unsupportedConfig(let file, let key, let value):
            return "\(file): '\(key)' = \(value) is not supported by this engine (it would change the model's math); use a model without it"
        case .missingTensor(let file, let name, let shape):
            return "\(file): missing tensor '\(name)' (expected shape \(shape)); the weights do not match the config"
        case .unexpectedTensors(let file, let names):
            let shown = names.prefix(5).joined(separator: ", ")
            return "\(file): \(names.count) tensor(s) the model does not use (\(shown)\(names.count > 5 ? ", …" : "")); the weights do not match the config"
        case .shapeMismatch(let file, let name, let expected, let actual):
            return "\(file): tensor '\(name)' has shape \(actual), expected \(expected); the weights do not match the config"
        case .unsupportedDType(let file, let name, let dtype):
            return "\(file): tensor '\(name)' has dtype \(dtype); only F32, F16 and BF16 weights are supported"
        case .unsupportedTokenizer(let url, let component, let type):
            return "\(url.path): tokenizer \(component) of type '\(type)' is not supported (supported: the WordLevel model; Lowercase, NFC/NFD/NFKC/NFKD, Strip, Replace and Sequence normalizers; Whitespace, WhitespaceSplit and Sequence pre-tokenizers; the TemplateProcessing post-processor)"
        case .invalidInput(let message):
            return message
        }
    }

    public var errorDescription: String? { description }
}

extension EngineError {
    /// The content of a model file read as input (configs, tokenizer): a missing file is
    /// `missingFile`; anything that is not a regular file, or cannot be read, is `invalidFile`.
    static func readInput(_ url: URL, maximumBytes: Int = 256 << 20) throws -> Data {
        do {
            return try InputFile.read(url, maximumBytes: maximumBytes)
        } catch InputFileError.missing {
            throw EngineError.missingFile(url)
        } catch let error as InputFileError {
            throw EngineError.invalidFile(url, reason: error.reason)
        }
    }
}

extension EngineError: CategorizedError {
    /// Everything here is about the model directory or what was asked of the model: input.
    public var category: ErrorCategory {
        switch self {
        case .missingFile, .invalidFile, .invalidConfig, .unsupportedConfig, .missingTensor, .unexpectedTensors,
             .shapeMismatch, .unsupportedDType, .unsupportedTokenizer, .invalidInput:
            return .badInput
        }
    }
}
