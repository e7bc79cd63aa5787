import Foundation

/// A safetensors file as a `WeightSource`: F32, F16 and BF16 tensors are read as Float32; any
/// other dtype is refused with the tensor's name.
public struct SafeTensorsWeightSource: WeightSource {
    public let file: SafeTensorsFile
    public let sourceName: String

    /// - Parameter name: how messages call the file (e.g. `transformer/diffusion_pytorch_model.safetensors`).
    public init(file: SafeTensorsFile, name: String) {
        self.file = file
        self.sourceName = name
    }

    public var tensorNames: [String] { file.tensorNames }

    public func shape(of name: String) -> [Int]? { file.info(name)?.shape }

    public func floatValues(of name: String) throws -> [Float] {
        try checkFloat(name)
        return try file.floats(name)
    }

    public func decode(_ name: String, into target: UnsafeMutableBufferPointer<Float>) throws {
        try checkFloat(name)
        try file.decode(name, into: target)
    }

    private func checkFloat(_ name: String) throws {
        guard let info = file.info(name) else {
            throw EngineError.missingTensor(file: sourceName, name: name, expectedShape: [])
        }
        switch info.dtype {
        case .f32, .f16, .bf16, .f64: return
        default: throw EngineError.unsupportedDType(file: sourceName, name: name, dtype: info.dtype.rawValue)
        }
    }
}

extension WeightLoader {
    /// Opens `url` (a safetensors file); `name` is how messages call it.
    public convenience init(safetensorsAt url: URL, name: String) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw EngineError.missingFile(url) }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(url: url) } catch let error as SafeTensorsError {
            throw EngineError.invalidFile(url, reason: error.detail)
        }
        self.init(source: SafeTensorsWeightSource(file: file, name: name))
    }
}
