/// A dense Float32 tensor: an explicit shape over row-major, contiguous storage.
///
/// `Tensor` is a value type with copy-on-write storage, so passing it around is cheap and
/// mutating a shared copy duplicates the buffer first. The storage is 64-byte aligned so BLAS
/// and vectorised loops see aligned rows.
///
/// Hot code reads and writes through `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer`
/// (contiguous loops, no bounds checks); the subscripts are meant for tests and small glue code.
///
/// Scratch buffers that are reused across calls use `resize(to:)`, which keeps the allocation
/// whenever it is large enough, so a forward pass allocates nothing once its workspace is warm.
public struct Tensor: Sendable {
    /// The extent of every dimension, outermost first (e.g. `[B, C, H, W]`).
    public private(set) var shape: [Int]
    @usableFromInline internal var storage: TensorStorage

    /// A tensor of zeros.
    public init(shape: [Int]) {
        let count = Tensor.elementCount(shape)
        self.shape = shape
        self.storage = TensorStorage(capacity: count)
        storage.pointer.initialize(repeating: 0, count: count)
    }

    /// A tensor with every element equal to `value`.
    public init(shape: [Int], repeating value: Float) {
        let count = Tensor.elementCount(shape)
        self.shape = shape
        self.storage = TensorStorage(capacity: count)
        storage.pointer.initialize(repeating: value, count: count)
    }

    /// A tensor holding `values` in row-major order; `values.count` must equal the shape's product.
    public init(shape: [Int], values: [Float]) {
        let count = Tensor.elementCount(shape)
        precondition(values.count == count, "Tensor(shape: \(shape)) needs \(count) values, got \(values.count)")
        self.shape = shape
        self.storage = TensorStorage(capacity: count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.pointer.initialize(from: base, count: count) }
        }
    }

    /// A tensor whose elements are written by `body` (called once with an uninitialised buffer of
    /// exactly `shape`'s element count; it must write every element).
    public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let count = Tensor.elementCount(shape)
        self.shape = shape
        self.storage = TensorStorage(capacity: count)
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// The number of elements (the product of `shape`).
    @inlinable public var count: Int { storage.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The elements in row-major order, copied into an array.
    public var scalars: [Float] {
        withUnsafeBufferPointer { Array($0) }
    }

    /// Calls `body` with the elements in row-major order.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Calls `body` with the elements in row-major order for writing; copies shared storage first.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// The same elements seen with another shape of the same element count (no copy).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let newCount = Tensor.elementCount(newShape)
        precondition(newCount == count, "cannot reshape \(shape) (\(count) elements) to \(newShape) (\(newCount))")
        var result = self
        result.shape = newShape
        return result
    }

    /// Gives the tensor a new shape for use as a scratch buffer. The allocation is kept when it is
    /// uniquely owned and large enough; the contents afterwards are unspecified.
    public mutating func resize(to newShape: [Int]) {
        let newCount = Tensor.elementCount(newShape)
        if isKnownUniquelyReferenced(&storage) && storage.capacity >= newCount {
            storage.count = newCount
        } else {
            storage = TensorStorage(capacity: newCount)
            storage.pointer.initialize(repeating: 0, count: newCount)
        }
        shape = newShape
    }

    /// Sets every element to `value`.
    public mutating func fill(_ value: Float) {
        withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.update(repeating: value, count: buffer.count)
        }
    }

    /// Element access by flat row-major index (for tests and glue code, not hot loops).
    public subscript(flat index: Int) -> Float {
        get {
            precondition(index >= 0 && index < count, "flat index \(index) out of range for \(shape)")
            return storage.pointer[index]
        }
        set {
            precondition(index >= 0 && index < count, "flat index \(index) out of range for \(shape)")
            makeUnique()
            storage.pointer[index] = newValue
        }
    }

    /// Element access by one index per dimension (for tests and glue code, not hot loops).
    public subscript(_ indices: Int...) -> Float {
        get { self[flat: flatIndex(indices)] }
        set { self[flat: flatIndex(indices)] = newValue }
    }

    /// The row-major offset of a multi-index.
    public func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "\(indices.count) indices for a tensor of rank \(shape.count)")
        var offset = 0
        for (index, extent) in zip(indices, shape) {
            precondition(index >= 0 && index < extent, "index \(indices) out of range for \(shape)")
            offset = offset * extent + index
        }
        return offset
    }

    /// The product of a shape's extents; every extent must be non-negative.
    public static func elementCount(_ shape: [Int]) -> Int {
        var product = 1
        for extent in shape {
            precondition(extent >= 0, "negative extent in shape \(shape)")
            product *= extent
        }
        return product
    }

    @inlinable
    internal mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = withUnsafeBufferPointer { $0.prefix(8).map { String($0) }.joined(separator: ", ") }
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}

/// The heap buffer behind a `Tensor`: a 64-byte-aligned block of `capacity` floats, of which the
/// first `count` are in use. Only `Tensor` mutates it, and only when uniquely referenced.
@usableFromInline
internal final class TensorStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let capacity: Int
    @usableFromInline var count: Int

    static let alignment = 64

    init(capacity: Int) {
        self.capacity = capacity
        self.count = capacity
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1) * MemoryLayout<Float>.stride,
                                                   alignment: TensorStorage.alignment)
        self.pointer = raw.bindMemory(to: Float.self, capacity: max(capacity, 1))
    }

    @usableFromInline
    func copy() -> TensorStorage {
        let clone = TensorStorage(capacity: count)
        clone.pointer.initialize(from: pointer, count: count)
        return clone
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
