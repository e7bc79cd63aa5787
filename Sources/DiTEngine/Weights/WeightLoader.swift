/// Where weights come from: a safetensors file in a model directory, or an in-memory table in tests.
public protocol WeightSource {
    /// A name for messages (e.g. `transformer/diffusion_pytorch_model.safetensors`).
    var sourceName: String { get }
    /// Every tensor name the source holds.
    var tensorNames: [String] { get }
    /// The stored shape of `name`, or nil when absent.
    func shape(of name: String) -> [Int]?
    /// The values of `name` as Float32 in row-major order (converting F16/BF16).
    func floatValues(of name: String) throws -> [Float]
    /// The values of `name` as Float32 written into `target` (exactly its element count).
    func decode(_ name: String, into target: UnsafeMutableBufferPointer<Float>) throws
}

extension WeightSource {
    /// Through `floatValues` (sources that can write in place do so instead).
    public func decode(_ name: String, into target: UnsafeMutableBufferPointer<Float>) throws {
        let values = try floatValues(of: name)
        precondition(values.count == target.count, "decode '\(name)': \(target.count) floats for \(values.count) values")
        _ = target.initialize(from: values)
    }
}

/// Loads a model's weights by name, checking each shape against what the config implies, and
/// remembers which names were used so that leftover tensors (a config/weights mismatch) are
/// reported rather than silently ignored.
///
/// Layers take a `WeightScope` (a loader plus a name prefix) so they can ask for `"weight"` and
/// `"bias"` without knowing where they sit in the model.
public final class WeightLoader {
    public let source: any WeightSource
    private var used: Set<String> = []
    /// Names that may be present without being used (e.g. buffers the engine recomputes).
    private var ignorable: Set<String> = []
    /// Reused for the stored layout of matrices loaded transposed.
    private var scratch: [Float] = []

    public init(source: any WeightSource) {
        self.source = source
    }

    /// The whole file, without a prefix.
    public var root: WeightScope { WeightScope(loader: self, prefix: "") }

    /// Whether the source holds `name` (a full name).
    public func contains(_ name: String) -> Bool {
        source.shape(of: name) != nil
    }

    /// The tensor `name` (a full name), which must have exactly `shape`.
    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        try checkShape(name, shape: shape)
        // Decoded straight into the tensor's storage: no intermediate array, no zero fill.
        let tensor = try Tensor(shape: shape) { try source.decode(name, into: $0) }
        used.insert(name)
        return tensor
    }

    /// The matrix `name` stored `[rows, columns]` (exactly `shape`), returned transposed
    /// `[columns, rows]`: for layers that multiply by Wᵀ and keep only that copy.
    public func transposedMatrix(_ name: String, shape: [Int]) throws -> Tensor {
        precondition(shape.count == 2, "transposedMatrix needs a rank-2 shape, got \(shape)")
        try checkShape(name, shape: shape)
        let (rows, columns) = (shape[0], shape[1])
        let count = rows * columns
        if scratch.count < count { scratch = [Float](repeating: 0, count: count) }
        let result = try scratch.withUnsafeMutableBufferPointer { buffer in
            let stored = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            try source.decode(name, into: stored)
            return Tensor(shape: [columns, rows]) { out in
                guard let from = stored.baseAddress, let to = out.baseAddress else { return }
                BLAS.transpose(rows: rows, columns: columns, source: from, target: to)
            }
        }
        used.insert(name)
        return result
    }

    /// Throws unless `name` exists with exactly `shape`.
    private func checkShape(_ name: String, shape: [Int]) throws {
        guard let actual = source.shape(of: name) else {
            throw EngineError.missingTensor(file: source.sourceName, name: name, expectedShape: shape)
        }
        guard actual == shape else {
            throw EngineError.shapeMismatch(file: source.sourceName, name: name, expected: shape, actual: actual)
        }
    }

    /// Marks `name` as allowed to stay unused.
    public func allowUnused(_ name: String) {
        ignorable.insert(name)
    }

    /// Throws `unexpectedTensors` when the source holds tensors no layer asked for.
    public func verifyAllUsed() throws {
        let extra = source.tensorNames.filter { !used.contains($0) && !ignorable.contains($0) }.sorted()
        if !extra.isEmpty {
            throw EngineError.unexpectedTensors(file: source.sourceName, names: extra)
        }
    }
}

/// A `WeightLoader` seen from one module of the model: names are relative to `prefix`.
public struct WeightScope {
    public let loader: WeightLoader
    /// Prepended to every name, with its trailing dot (e.g. `"transformer_blocks.0.attn."`).
    public let prefix: String

    public init(loader: WeightLoader, prefix: String) {
        self.loader = loader
        self.prefix = prefix
    }

    /// The scope of a submodule: `scope.child("attn")` reads `"<prefix>attn.<name>"`.
    public func child(_ name: String) -> WeightScope {
        WeightScope(loader: loader, prefix: prefix + name + ".")
    }

    /// The tensor `<prefix><name>`, which must have exactly `shape`.
    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        try loader.tensor(prefix + name, shape: shape)
    }

    /// The matrix `<prefix><name>` stored as `shape` `[rows, columns]`, returned transposed.
    public func transposedMatrix(_ name: String, shape: [Int]) throws -> Tensor {
        try loader.transposedMatrix(prefix + name, shape: shape)
    }

    /// Whether `<prefix><name>` exists.
    public func contains(_ name: String) -> Bool {
        loader.contains(prefix + name)
    }
}

/// An in-memory `WeightSource` (tests, tools that build models programmatically).
public struct DictionaryWeightSource: WeightSource {
    public let sourceName: String
    public let tensors: [String: Tensor]

    public init(name: String = "in-memory weights", tensors: [String: Tensor]) {
        self.sourceName = name
        self.tensors = tensors
    }

    public var tensorNames: [String] { Array(tensors.keys) }
    public func shape(of name: String) -> [Int]? { tensors[name]?.shape }
    public func floatValues(of name: String) throws -> [Float] {
        guard let tensor = tensors[name] else {
            throw EngineError.missingTensor(file: sourceName, name: name, expectedShape: [])
        }
        return tensor.scalars
    }
}
