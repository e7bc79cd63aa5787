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
        case let .cannotOpen(path, reason):
            return "\(path): cannot open safetensors file: \(reason)"
        case let .invalidHeader(path, reason):
            return "\(path): not a valid safetensors file: \(reason)"
        case let .invalidTensor(path, name, reason):
            return "\(path): tensor '\(name)': \(reason)"
        case let .overlappingTensors(path, first, second):
            return "\(path): tensors '\(first)' and '\(second)' overlap in the data area; the file is corrupt"
        case let .invalidMetadata(path, reason):
            return "\(path): __metadata__ \(reason)"
        case let .tensorNotFound(path, name):
            return "\(path): no tensor named '\(name)'"
        case let .invalidTensorToWrite(name, reason):
            return "cannot write tensor '\(name)': \(reason)"
        }
    }
}
