/// A deterministic source of standard-normal noise: the same seed gives the same numbers.
///
/// Samplers draw their initial noise through this protocol so the generator is a choice of the
/// request (`NoiseKind`), not of the pipeline — as apple/ml-stable-diffusion does with its RNGs.
public protocol NoiseSource {
    /// Fills `buffer` with the next `buffer.count` samples of N(0, 1).
    ///
    /// One call is one draw of the reference generator: for `TorchNormal` it equals one
    /// `torch.randn(buffer.count, generator=…)` call, which is not the same as several smaller calls.
    mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>)
}

extension NoiseSource {
    /// The next `count` samples of N(0, 1), drawn in one call.
    public mutating func normal(count: Int) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { fillNormal($0) }
        return values
    }

    /// A tensor of N(0, 1) samples in row-major order, drawn in one call
    /// (`torch.randn(shape, generator=…)` for `TorchNormal`).
    public mutating func normalTensor(shape: [Int]) -> Tensor {
        Tensor(shape: shape) { fillNormal($0) }
    }
}

/// Which noise generator a generation uses; the command line's `--rng native|torch`.
public enum NoiseKind: String, Sendable, CaseIterable, Codable {
    /// `PhiloxNormal`: fast, counter-based, this engine's own sequence.
    case native
    /// `TorchNormal`: the same numbers as PyTorch's CPU `torch.randn` for the seed.
    case torch

    /// A fresh generator of this kind for `seed`.
    public func makeSource(seed: UInt64) -> any NoiseSource {
        switch self {
        case .native: return PhiloxNormal(seed: seed)
        case .torch: return TorchNormal(seed: seed)
        }
    }
}
