/// Raw pointers for the engine's own kernels, which keep tensors in long-lived workspaces and
/// would otherwise nest many `withUnsafe…` closures per layer.
///
/// The pointers stay valid while the tensor is neither reassigned, resized nor destroyed; the
/// mutable one makes the storage unique first, so writing through it never affects a copy.
extension Tensor {
    @inlinable
    internal var readPointer: UnsafePointer<Float> { UnsafePointer(storage.pointer) }

    @inlinable
    internal mutating func writePointer() -> UnsafeMutablePointer<Float> {
        makeUnique()
        return storage.pointer
    }
}
