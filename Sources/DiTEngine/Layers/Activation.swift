/// The pointwise non-linearities the supported models use, by their config names.
public enum Activation: String, Sendable, CaseIterable {
    /// x · sigmoid(1.702x) — transformers `quick_gelu` (OpenAI CLIP).
    case quickGelu = "quick_gelu"
    /// Exact erf GELU — transformers `gelu`.
    case gelu = "gelu"
    /// tanh-approximated GELU — diffusers `gelu-approximate`, transformers `gelu_new` /
    /// `gelu_pytorch_tanh`.
    case geluTanh = "gelu_pytorch_tanh"
    /// x · sigmoid(x).
    case silu = "silu"

    /// The activation named `name` in a transformers/diffusers config, or nil when unsupported.
    public init?(configName name: String) {
        switch name {
        case "quick_gelu": self = .quickGelu
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu-approximate", "gelu_tanh": self = .geluTanh
        case "silu", "swish": self = .silu
        default: return nil
        }
    }

    /// Applies the activation to `count` contiguous floats, in place.
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .quickGelu: Kernels.quickGelu(x, count: count)
        case .gelu: Kernels.geluErf(x, count: count)
        case .geluTanh: Kernels.geluTanh(x, count: count)
        case .silu: Kernels.silu(x, count: count)
        }
    }

    /// Applies the activation to every element of `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var result = x
        apply(result.writePointer(), count: result.count)
        return result
    }
}
