import Foundation

/// Encodes safetensors files from Float values (for tests, fixtures and conversion tools). It only
/// makes the bytes: the engine writes no files, and the caller stores them (the studio through its
/// one write policy, `SafeFileWriter`, which never replaces what it should not).
/// Tensors are laid out in the order given, each right after the previous; the header is padded
/// with spaces so that the data area starts 8-byte aligned, as the reference implementation does.
public enum SafeTensorsWriter {
    public typealias Entry = (name: String, dtype: SafeTensorsDType, shape: [Int], values: [Float])

    /// The complete file as bytes: F32, F16 or BF16 (rounding to nearest even).
    public static func encode(_ tensors: [Entry], metadata: [String: String]) throws -> Data {
        var seen = Set<String>()
        var entries: [String] = []
        var offset = 0
        for tensor in tensors {
            func fail(_ reason: String) -> SafeTensorsError { .invalidTensorToWrite(name: tensor.name, reason: reason) }
            guard tensor.name != "__metadata__" else { throw fail("the name is reserved for metadata") }
            guard seen.insert(tensor.name).inserted else { throw fail("the name appears twice") }
            guard tensor.dtype.isWritable else { throw fail("dtype \(tensor.dtype.rawValue) cannot be written from floats (use F32, F16 or BF16)") }
            guard tensor.shape.allSatisfy({ $0 >= 0 }) else { throw fail("shape \(tensor.shape) has a negative dimension") }
            let count = tensor.shape.reduce(1, *)
            guard tensor.values.count == count else {
                throw fail("shape \(tensor.shape) needs \(count) values, got \(tensor.values.count)")
            }
            let size = count * tensor.dtype.byteSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(tensor.name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        if !metadata.isEmpty {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.insert("\"__metadata__\":{\(fields.joined(separator: ","))}", at: 0)
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }

        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for tensor in tensors {
            switch tensor.dtype {
            case .f32:
                for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            case .f16:
                for value in tensor.values { withUnsafeBytes(of: FloatConversion.float16Bits(from: value).littleEndian) { data.append(contentsOf: $0) } }
            case .bf16:
                for value in tensor.values { withUnsafeBytes(of: FloatConversion.bfloat16Bits(from: value).littleEndian) { data.append(contentsOf: $0) } }
            default:
                preconditionFailure("checked above")
            }
        }
        return data
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
