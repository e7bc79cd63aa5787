import Foundation

/// The parsed and validated JSON header of a safetensors file.
///
/// Layout of the format: 8 bytes little-endian header length N, N bytes of UTF-8 JSON (an object
/// mapping tensor names to `{"dtype", "shape", "data_offsets": [begin, end]}` plus an optional
/// `"__metadata__"` object of strings), then the data area that the offsets point into.
struct SafeTensorsHeader {
    /// Headers above this are refused before parsing (the reference implementation's limit).
    static let maximumLength = 100_000_000

    var tensors: [String: SafeTensorInfo]
    var metadata: [String: String]

    /// Validates everything the reader relies on, so that reading a tensor afterwards can never
    /// leave the data area: known dtypes, non-negative dims, element count × size equal to the
    /// byte range, ranges inside the data area, and no two tensors sharing bytes.
    init(json: UnsafeRawBufferPointer, dataSize: Int, path: String) throws {
        guard JSONValue.nestingDepth(of: json) <= 3 else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "the JSON header nests deeper than a safetensors header can")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(json)
        } catch {
            throw SafeTensorsError.invalidHeader(path: path, reason: "the header is not valid JSON")
        }
        guard case let .object(entries) = root else {
            throw SafeTensorsError.invalidHeader(path: path, reason: "the header is JSON but not an object")
        }

        var tensors: [String: SafeTensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                metadata = try Self.metadata(value, path: path)
            } else {
                tensors[name] = try Self.tensor(name, value, dataSize: dataSize, path: path)
            }
        }

        // Sorted by start (then end), a tensor overlaps another only if it overlaps its predecessor
        // with the furthest end. Empty tensors occupy no bytes and overlap nothing.
        let placed = tensors.values.filter { !$0.byteRange.isEmpty }
            .sorted { ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name) < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name) }
        var furthest: SafeTensorInfo?
        for tensor in placed {
            if let previous = furthest, previous.byteRange.upperBound > tensor.byteRange.lowerBound {
                throw SafeTensorsError.overlappingTensors(path: path, first: previous.name, second: tensor.name)
            }
            if furthest == nil || tensor.byteRange.upperBound > furthest!.byteRange.upperBound { furthest = tensor }
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    private static func metadata(_ value: JSONValue, path: String) throws -> [String: String] {
        guard case let .object(fields) = value else {
            throw SafeTensorsError.invalidMetadata(path: path, reason: "must be an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, field) in fields {
            guard case let .string(text) = field else {
                throw SafeTensorsError.invalidMetadata(path: path, reason: "key '\(key)' has a value that is not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func tensor(_ name: String, _ value: JSONValue, dataSize: Int, path: String) throws -> SafeTensorInfo {
        func fail(_ reason: String) -> SafeTensorsError {
            .invalidTensor(path: path, name: name, reason: reason)
        }
        guard case let .object(fields) = value else { throw fail("its entry is not an object") }

        guard let dtypeValue = fields["dtype"] else { throw fail("missing 'dtype'") }
        guard case let .string(dtypeName) = dtypeValue else { throw fail("'dtype' is not a string") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            let known = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("unknown dtype '\(dtypeName)' (known: \(known))")
        }

        guard let shapeValue = fields["shape"] else { throw fail("missing 'shape'") }
        guard case let .array(dims) = shapeValue else { throw fail("'shape' is not an array") }
        var shape: [Int] = []
        var elements = 1
        var overflow = false
        for dim in dims {
            guard case let .integer(size) = dim else { throw fail("'shape' \(shapeValue) holds something other than integers") }
            guard size >= 0 else { throw fail("'shape' \(shapeValue) has a negative dimension") }
            shape.append(size)
            let (product, overflowed) = elements.multipliedReportingOverflow(by: size)
            overflow = overflow || overflowed
            elements = product
        }
        let (bytes, bytesOverflowed) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        if overflow || bytesOverflowed { throw fail("'shape' \(shape) is impossibly large") }

        guard let offsetsValue = fields["data_offsets"] else { throw fail("missing 'data_offsets'") }
        guard case let .array(offsets) = offsetsValue, offsets.count == 2,
              case let .integer(begin) = offsets[0], case let .integer(end) = offsets[1] else {
            throw fail("'data_offsets' is not a pair of integers [begin, end]")
        }
        guard begin >= 0, begin <= end else { throw fail("'data_offsets' [\(begin), \(end)] is not a valid range") }
        guard end <= dataSize else {
            throw fail("'data_offsets' [\(begin), \(end)] reach past the end of the data area (\(dataSize) bytes); the file may be truncated")
        }
        guard end - begin == bytes else {
            throw fail("shape \(shape) of \(dtype.rawValue) needs \(bytes) bytes but 'data_offsets' [\(begin), \(end)] hold \(end - begin)")
        }
        return SafeTensorInfo(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }
}
