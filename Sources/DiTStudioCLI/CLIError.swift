import DiTEngine

/// Failures of the command-line tool itself (not of the libraries), each a one-line message
/// saying which path is at fault and what was expected.
enum CLIError: Error, CustomStringConvertible, CategorizedError {
    case notFound(path: String)
    case unrecognizedFile(path: String)
    case notAModelDirectory(path: String)
    case invalidModelIndex(path: String, reason: String)
    /// An input file or option value is wrong; the message names it (exit status 2, no usage text).
    case badInput(String)
    /// The image could not be saved (the message names the file and says why).
    case cannotSave(String)
    /// An input that is not a regular file (a FIFO, a device, a socket).
    case notARegularFile(path: String, kind: String)

    var description: String {
        switch self {
        case let .notFound(path):
            return "\(path): no such file or directory"
        case let .unrecognizedFile(path):
            return "\(path): not a PNG image or a safetensors file (and not a model directory)"
        case let .notAModelDirectory(path):
            return "\(path): not a model directory: it has no model_index.json (diffusers layout) and no .safetensors files"
        case let .invalidModelIndex(path, reason):
            return "\(path): invalid model_index.json: \(reason)"
        case let .badInput(message):
            return message
        case let .cannotSave(message):
            return message
        case let .notARegularFile(path, kind):
            return "\(path): it is \(kind); only regular files and model directories are read"
        }
    }

    /// Each names an input given on the command line, except a save that failed.
    var category: ErrorCategory {
        switch self {
        case .notFound, .unrecognizedFile, .notAModelDirectory, .invalidModelIndex, .badInput, .notARegularFile:
            return .badInput
        case .cannotSave:
            return .failure
        }
    }
}
