/// The two-layer MLP of transformer blocks: `down(act(up(x)))`.
/// transformers' `CLIPMLP` names its layers `fc1`/`fc2`; diffusers' `FeedForward` `net.0.proj`/`net.2`.
public struct FeedForward: Sendable {
    public let up: Linear
    public let down: Linear
    public let activation: Activation

    public init(up: Linear, down: Linear, activation: Activation) {
        precondition(up.outFeatures == down.inFeatures, "FeedForward: up \(up.weight.shape) vs down \(down.weight.shape)")
        self.up = up
        self.down = down
        self.activation = activation
    }

    /// Loads `<scope><upName>` (`[hidden, dim]`) and `<scope><downName>` (`[outDim, hidden]`).
    public init(_ scope: WeightScope, upName: String, downName: String,
                dimension: Int, hidden: Int, outDimension: Int? = nil, activation: Activation) throws {
        self.init(up: try Linear(scope.child(upName), inFeatures: dimension, outFeatures: hidden),
                  down: try Linear(scope.child(downName), inFeatures: hidden, outFeatures: outDimension ?? dimension),
                  activation: activation)
    }

    /// diffusers `FeedForward(dim, dim_out=dim, activation_fn=…)` with the default 4× hidden width.
    public static func diffusers(_ scope: WeightScope, dimension: Int, activation: Activation) throws -> FeedForward {
        try FeedForward(scope, upName: "net.0.proj", downName: "net.2", dimension: dimension,
                        hidden: 4 * dimension, activation: activation)
    }

    /// `output = down(act(up(input)))` over `rows` contiguous rows (added to `output` with
    /// `accumulate`); `hidden` is scratch.
    public func apply(rows: Int, input: UnsafePointer<Float>, hidden: inout Tensor,
                      output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        hidden.resize(to: [rows, up.outFeatures])
        let h = hidden.writePointer()
        up.apply(rows: rows, input: input, inputStride: up.inFeatures, output: h, outputStride: up.outFeatures)
        activation.apply(h, count: rows * up.outFeatures)
        down.apply(rows: rows, input: h, inputStride: down.inFeatures, output: output,
                   outputStride: down.outFeatures, accumulate: accumulate)
    }
}
