import Foundation

/// A safetensors file (the weights format of diffusers and transformers), memory-mapped and
/// validated when opened: afterwards every tensor's bytes are known to lie inside the file, so
/// reading cannot fail except for an unknown name.
public final class SafeTensorsFile: @unchecked Sendable {
    public let url: URL
    /// The header's `__metadata__` (e.g. `format: pt`), empty when absent.
    public let metadata: [String: String]

    private let mapping: SafeTensorsMappedFile
    private let tensors: [String: SafeTensorInfo]
    /// Offset of the data area in the file: 8 + header length.
    private let dataStart: Int

    /// Maps the file and validates its header; throws `SafeTensorsError` naming what is wrong.
    public init(url: URL) throws {
        let path = url.path
        let mapping = try SafeTensorsMappedFile(url: url)
        let bytes = mapping.bytes
        let declared = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(SafeTensorsHeader.maximumLength) else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "the header length \(declared) exceeds the limit of \(SafeTensorsHeader.maximumLength) bytes; this is not a safetensors file or it is corrupt")
        }
        let headerLength = Int(declared)
        guard headerLength <= bytes.count - 8 else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "the header length \(headerLength) runs past the end of the \(bytes.count)-byte file; the file is truncated or not a safetensors file")
        }
        guard headerLength >= 2 else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "the header length \(headerLength) is too small for a JSON object")
        }
        let dataStart = 8 + headerLength
        let header = try SafeTensorsHeader(json: UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart]),
                                           dataSize: bytes.count - dataStart, path: path)
        self.url = url
        self.mapping = mapping
        self.dataStart = dataStart
        self.tensors = header.tensors
        self.metadata = header.metadata
    }

    /// All tensor names, sorted.
    public var tensorNames: [String] { tensors.keys.sorted() }

    /// What the header says about a tensor, or nil when there is none of that name.
    public func info(_ name: String) -> SafeTensorInfo? { tensors[name] }

    /// The tensor's values converted to Float32, row-major. Every dtype converts (integers and
    /// booleans by value); weights are F32, F16 or BF16.
    public func floats(_ name: String) throws -> [Float] {
        let count = try elementCount(name)
        return try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try decode(name, into: buffer)
            initialized = count
        }
    }

    /// Converts the tensor's values to Float32 straight into `target`, which must hold exactly its
    /// element count (so weights land in their final storage with one pass over the mapped bytes).
    public func decode(_ name: String, into target: UnsafeMutableBufferPointer<Float>) throws {
        guard let info = tensors[name] else {
            throw SafeTensorsError.tensorNotFound(path: url.path, name: name)
        }
        precondition(target.count == info.elementCount, "decode '\(name)': \(target.count) floats for \(info.elementCount) elements")
        guard let base = target.baseAddress else { return }
        let source = mapping.bytes.baseAddress! + dataStart + info.byteRange.lowerBound
        FloatConversion.decode(source, dtype: info.dtype, count: info.elementCount, into: base)
    }

    private func elementCount(_ name: String) throws -> Int {
        guard let info = tensors[name] else {
            throw SafeTensorsError.tensorNotFound(path: url.path, name: name)
        }
        return info.elementCount
    }

    /// The tensor's raw little-endian bytes, valid while `body` runs (for zero-copy consumers).
    public func withRawBytes<Result>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        guard let info = tensors[name] else {
            throw SafeTensorsError.tensorNotFound(path: url.path, name: name)
        }
        let start = dataStart + info.byteRange.lowerBound
        return try body(UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<(start + info.byteRange.count)]))
    }

    /// Sum of the element counts of all tensors.
    public var parameterCount: Int { tensors.values.reduce(0) { $0 + $1.elementCount } }
}
