/// The building blocks the VAE encoder and decoder share: diffusers' `ResnetBlock2D` (without
/// time embedding), the single-head mid-block attention, and `UNetMidBlock2D` that chains them.
///
/// Every block transforms `workspace.current` (`[B, C, H, W]`) in place, using the workspace's
/// other buffers as scratch, so a pass through the whole VAE allocates nothing once warm.

/// diffusers' `ResnetBlock2D` with `temb = None`:
/// `out = shortcut(x) + conv2(silu(norm2(conv1(silu(norm1(x))))))`, where the shortcut is a 1×1
/// convolution when the channel count changes and the identity otherwise.
struct ResnetBlock2D: Sendable {
    let norm1: GroupNorm
    let conv1: Conv2d
    let norm2: GroupNorm
    let conv2: Conv2d
    let shortcut: Conv2d?

    init(_ scope: WeightScope, inChannels: Int, outChannels: Int, groups: Int) throws {
        let eps = AutoencoderKLConfig.normEps
        norm1 = try GroupNorm(scope.child("norm1"), channels: inChannels, groups: groups, eps: eps)
        conv1 = try Conv2d(scope.child("conv1"), inChannels: inChannels, outChannels: outChannels,
                           kernelSize: 3, padding: .uniform(1))
        norm2 = try GroupNorm(scope.child("norm2"), channels: outChannels, groups: groups, eps: eps)
        conv2 = try Conv2d(scope.child("conv2"), inChannels: outChannels, outChannels: outChannels,
                           kernelSize: 3, padding: .uniform(1))
        shortcut = inChannels == outChannels ? nil
            : try Conv2d(scope.child("conv_shortcut"), inChannels: inChannels, outChannels: outChannels, kernelSize: 1)
    }

    func apply(_ ws: AutoencoderKLWorkspace) {
        norm1.apply(ws.current, into: &ws.normed, silu: true)
        conv1.apply(ws.normed, into: &ws.hidden, columns: &ws.columns)
        norm2.apply(ws.hidden, into: &ws.normed, silu: true)
        if let shortcut {
            shortcut.apply(ws.current, into: &ws.spare, columns: &ws.columns)
            conv2.apply(ws.normed, into: &ws.spare, columns: &ws.columns, accumulate: true)
            swap(&ws.current, &ws.spare)
        } else {
            // The residual is the input itself: add the last convolution onto it.
            conv2.apply(ws.normed, into: &ws.current, columns: &ws.columns, accumulate: true)
        }
    }
}

/// The VAE mid-block attention (diffusers `Attention` with one head of width C, group norm,
/// residual connection, output rescale 1): the H·W pixels are the tokens and the channels their
/// features, `x + to_out(softmax(q kᵀ / √C) v)` with q, k, v = `to_q/to_k/to_v(groupnorm(x))`.
///
/// It works on the channel-major NCHW layout directly: the projections are `W · X` over the
/// `[C, H·W]` plane and the products use transposed sgemm operands, so nothing is transposed in
/// memory. Query rows are processed in chunks so the score matrix stays bounded at large sizes.
struct AutoencoderKLAttention: Sendable {
    let channels: Int
    let norm: GroupNorm
    /// `to_q`, `to_k`, `to_v` weights stacked in torch layout, `[3C, C]`: the left operand of
    /// `W · X` over the channel-major plane; and their biases, `[3C]`.
    let qkvWeight: Tensor
    let qkvBias: Tensor
    /// `to_out.0`: `[C, C]` and `[C]`.
    let outWeight: Tensor
    let outBias: Tensor

    /// The most score entries held at once; larger images compute their query rows in chunks.
    let maxScoreEntries: Int

    /// - Parameter maxScoreEntries: the score-buffer bound (default 2²⁰ floats, 4 MiB: one chunk
    ///   up to 32×32 tokens).
    init(_ scope: WeightScope, channels: Int, groups: Int, maxScoreEntries: Int = 1 << 20) throws {
        self.channels = channels
        self.maxScoreEntries = maxScoreEntries
        norm = try GroupNorm(scope.child("group_norm"), channels: channels, groups: groups, eps: AutoencoderKLConfig.normEps)
        let projections = try ["to_q", "to_k", "to_v"].map { name in
            (weight: try scope.child(name).tensor("weight", shape: [channels, channels]),
             bias: try scope.child(name).tensor("bias", shape: [channels]))
        }
        qkvWeight = Tensor.concatenate(projections.map(\.weight))
        qkvBias = Tensor.concatenate(projections.map(\.bias))
        outWeight = try scope.child("to_out.0").tensor("weight", shape: [channels, channels])
        outBias = try scope.child("to_out.0").tensor("bias", shape: [channels])
    }

    func apply(_ ws: AutoencoderKLWorkspace) {
        let shape = ws.current.shape
        let (batch, c, tokens) = (shape[0], channels, shape[2] * shape[3])
        norm.apply(ws.current, into: &ws.normed)
        let chunk = Swift.max(1, Swift.min(tokens, maxScoreEntries / tokens))
        ws.qkv.resize(to: [3 * c, tokens])
        ws.scores.resize(to: [chunk, tokens])
        ws.attended.resize(to: [c, tokens])
        let packed = ws.qkv.writePointer(), scores = ws.scores.writePointer(), attended = ws.attended.writePointer()
        let x = ws.current.writePointer(), normed = ws.normed.readPointer
        let scale = 1 / Float(c).squareRoot()
        for item in 0..<batch {
            // [q; k; v] as [3C, tokens] = W_qkv · X + b.
            BLAS.sgemm(m: 3 * c, n: tokens, k: c, a: qkvWeight.readPointer, lda: c,
                       b: normed + item * c * tokens, ldb: tokens, c: packed, ldc: tokens)
            Self.addColumnVector(packed, rows: 3 * c, columns: tokens, bias: qkvBias.readPointer)
            let q = packed, k = packed + c * tokens, v = packed + 2 * c * tokens
            var start = 0
            while start < tokens {
                let count = Swift.min(chunk, tokens - start)
                // S = scale · Q[start..<start+count] · Kᵀ, with Q and K stored transposed.
                BLAS.sgemm(transA: true, m: count, n: tokens, k: c, alpha: scale,
                           a: q + start, lda: tokens, b: k, ldb: tokens, c: scores, ldc: tokens)
                Kernels.softmaxRows(scores, rows: count, length: { _ in tokens }, columns: tokens, stride: tokens)
                // Oᵀ[:, start..<start+count] = Vᵀ · Sᵀ.
                BLAS.sgemm(transB: true, m: c, n: count, k: tokens, a: v, lda: tokens,
                           b: scores, ldb: tokens, c: attended + start, ldc: tokens)
                start += count
            }
            // x += W_out · Oᵀ + b (the residual connection).
            let target = x + item * c * tokens
            BLAS.sgemm(m: c, n: tokens, k: c, a: outWeight.readPointer, lda: c,
                       b: attended, ldb: tokens, beta: 1, c: target, ldc: tokens)
            Self.addColumnVector(target, rows: c, columns: tokens, bias: outBias.readPointer)
        }
    }

    /// `x[r][j] += bias[r]`: a per-channel bias over a channel-major plane.
    private static func addColumnVector(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                                        bias: UnsafePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * columns, value = bias[r]
            for j in 0..<columns { row[j] += value }
        }
    }
}

/// diffusers' `UNetMidBlock2D` as the VAE builds it: ResNet, attention (unless
/// `mid_block_add_attention` is false), ResNet, all at the coarsest resolution.
struct AutoencoderKLMidBlock: Sendable {
    let first: ResnetBlock2D
    let attention: AutoencoderKLAttention?
    let second: ResnetBlock2D

    init(_ scope: WeightScope, channels: Int, groups: Int, attention: Bool) throws {
        first = try ResnetBlock2D(scope.child("resnets.0"), inChannels: channels, outChannels: channels, groups: groups)
        self.attention = attention
            ? try AutoencoderKLAttention(scope.child("attentions.0"), channels: channels, groups: groups) : nil
        second = try ResnetBlock2D(scope.child("resnets.1"), inChannels: channels, outChannels: channels, groups: groups)
    }

    func apply(_ ws: AutoencoderKLWorkspace) {
        first.apply(ws)
        attention?.apply(ws)
        second.apply(ws)
    }
}

/// Scratch buffers of one `AutoencoderKL`, resized (not reallocated) from call to call.
final class AutoencoderKLWorkspace {
    /// The activation every block transforms in place.
    var current = Tensor(shape: [0])
    /// The next activation while a layer that changes the shape writes it.
    var spare = Tensor(shape: [0])
    /// GroupNorm (+ SiLU) output.
    var normed = Tensor(shape: [0])
    /// The middle of a ResNet block; one output phase of an upsampler.
    var hidden = Tensor(shape: [0])
    /// im2col matrices.
    var columns = Tensor(shape: [0])
    /// Attention: packed `[q; k; v]`, one chunk of scores, the attended values.
    var qkv = Tensor(shape: [0])
    var scores = Tensor(shape: [0])
    var attended = Tensor(shape: [0])
}
