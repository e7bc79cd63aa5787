/// Why a safetensors file cannot be read, or tensors cannot be encoded. Every message names the file, and the
/// tensor where one is at fault, and says what is wrong.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// The file cannot be opened or mapped (missing, unreadable, a directory).
    case cannotOpen(path: String, reason: String)
    /// The file is too short, its header length is impossible, or the header is not a JSON object
    /// of the expected form.
    case invalidHeader(path: String, reason: String)
    /// A tensor's entry in the header is wrong (dtype, shape, offsets, size).
    case invalidTensor(path: String, name: String, reason: String)
    /// Two tensors claim the same bytes.
    case overlappingTensors(path: String, first: String, second: String)
    /// `__metadata__` is not an object of strings.
    case invalidMetadata(path: String, reason: String)
    /// The file has no tensor of that name.
    case tensorNotFound(path: String, name: String)
    /// What the writer was asked to write is inconsistent.
    case invalidTensorToWrite(name: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidTensorToWrite(name, reason):
            return "cannot write tensor '\(name)': \(reason)"
        case let .cannotOpen(path, _), let .invalidHeader(path, _), let .invalidTensor(path, _, _),
             let .overlappingTensors(path, _, _), let .invalidMetadata(path, _), let .tensorNotFound(path, _):
            return "\(path): \(detail)"
        }
    }

    /// The message without the file's path, for callers whose own message names the file.
    public var detail: String {
        switch self {
        case let .cannotOpen(_, reason):
            return "cannot open safetensors file: \(reason)"
        case let .invalidHeader(_, reason):
            return "not a valid safetensors file: \(reason)"
        case let .invalidTensor(_, name, reason):
            return "tensor '\(name)': \(reason)"
        case let .overlappingTensors(_, first, second):
            return "tensors '\(first)' and '\(second)' overlap in the data area; the file is corrupt"
        case let .invalidMetadata(_, reason):
            return "__metadata__ \(reason)"
        case let .tensorNotFound(_, name):
            return "no tensor named '\(name)'"
        case let .invalidTensorToWrite(name, reason):
            return "cannot write tensor '\(name)': \(reason)"
        }
    }
}

extension SafeTensorsError: CategorizedError {
    /// Reading a file the user pointed at is input; encoding tensors inconsistently is a failure.
    public var category: ErrorCategory {
        switch self {
        case .cannotOpen, .invalidHeader, .invalidTensor, .overlappingTensors, .invalidMetadata, .tensorNotFound:
            return .badInput
        case .invalidTensorToWrite:
            return .failure
        }
    }
}
