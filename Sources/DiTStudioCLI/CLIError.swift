import DiTEngine

/// Failures of the command-line tool itself (not of the libraries), each a one-line message
/// saying which path is at fault and what was expected.
enum CLIError: Error, CustomStringConvertible, CategorizedError {
    case notFound(path: String)
    case unrecognizedFile(path: String)
    case notAModelDirectory(path: String)

    var description: String {
        switch self {
        case let .notFound(path):
            return "\(path): no such file or directory"
        case let .unrecognizedFile(path):
            return "\(path): not a PNG image or a safetensors file (and not a model directory)"
        case let .notAModelDirectory(path):
            return "\(path): not a model directory: it has no model_index.json (diffusers layout) and no .safetensors files"
        }
    }

    /// Each names a file or directory given on the command line.
    var category: ErrorCategory {
        switch self {
        case .notFound, .unrecognizedFile, .notAModelDirectory: return .badInput
        }
    }
}
