import Foundation
import XCTest
@testable import DiTEngine

/// Layers and kernels against small values worked by hand or printed by torch (the Python line
/// that made each number is in the comment next to it).
final class LayerTests: XCTestCase {
    func scope(_ tensors: [String: Tensor]) -> WeightScope {
        WeightLoader(source: DictionaryWeightSource(tensors: tensors)).root
    }

    // W = [[1,2],[3,4],[5,6]], b = [0.5,-1,0], x = [1,1] → W·x + b = [3.5, 6, 11] (by hand).
    func testLinearComputesXWTransposePlusBias() throws {
        let linear = try Linear(scope(["weight": Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6]),
                                       "bias": Tensor(shape: [3], values: [0.5, -1, 0])]),
                                inFeatures: 2, outFeatures: 3)
        XCTAssertEqual(linear(Tensor(shape: [1, 2], values: [1, 1])).scalars, [3.5, 6, 11])
        XCTAssertEqual(linear.weight.shape, [3, 2])
        XCTAssertEqual(linear.transposedWeight.scalars, [1, 3, 5, 2, 4, 6])
        // accumulate adds onto the output (the fused residual): [1,1,1] + [3.5,6,11].
        var out: [Float] = [1, 1, 1]
        let x: [Float] = [1, 1]
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                linear.apply(rows: 1, input: px.baseAddress!, inputStride: 2, output: po.baseAddress!, outputStride: 3, accumulate: true)
            }
        }
        XCTAssertEqual(out, [4.5, 7, 12])
    }

    func testStackedLinearEqualsSeparateLayers() {
        let a = Linear(weight: Tensor(shape: [2, 3], values: [1, 0, 2, -1, 1, 0]), bias: Tensor(shape: [2], values: [1, 2]))
        let b = Linear(weight: Tensor(shape: [1, 3], values: [3, 3, 3]), bias: Tensor(shape: [1], values: [-1]))
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, -1, 0, 4])
        let stacked = Linear.stacked([a, b])(x)
        let (ya, yb) = (a(x), b(x))
        XCTAssertEqual(stacked.shape, [2, 3])
        XCTAssertEqual(stacked.scalars, [ya[0, 0], ya[0, 1], yb[0, 0], ya[1, 0], ya[1, 1], yb[1, 0]])
    }

    // F.layer_norm(torch.tensor([1.,2,3,4]), (4,), eps=0.0) → [-1.3416407, -0.4472136, 0.4472136, 1.3416407]
    func testLayerNormMatchesTorch() {
        let out = LayerNorm(dimension: 4, eps: 0)(Tensor(shape: [1, 4], values: [1, 2, 3, 4]))
        assertClose(out, Tensor(shape: [4], values: [-1.3416407, -0.4472136, 0.4472136, 1.3416407]), tolerance: 1e-6, "layer norm")
    }

    // x = [3, 4], eps 0: rms = √((9+16)/2) = √12.5 → x / rms = [0.8485281, 1.1313708]; γ = [1, 2] doubles the second.
    func testRMSNormByHand() {
        let out = RMSNorm(dimension: 2, eps: 0, weight: Tensor(shape: [2], values: [1, 2]))(Tensor(shape: [2], values: [3, 4]))
        assertClose(out, Tensor(shape: [2], values: [0.8485281, 2.2627417]), tolerance: 1e-6, "rms norm")
    }

    // x = torch.tensor([-1.0, 0.5, 2.0]):
    //   F.gelu(x, approximate="tanh") → [-0.15880799, 0.34571400, 1.95459771]
    //   F.gelu(x)                     → [-0.15865526, 0.34573123, 1.95449972]
    //   F.silu(x)                     → [-0.26894143, 0.31122968, 1.76159406]
    //   x * torch.sigmoid(1.702 * x)  → [-0.15420423, 0.35038844, 1.93565857]
    func testActivationsMatchTorch() {
        let x = Tensor(shape: [3], values: [-1, 0.5, 2])
        let cases: [(Activation, [Float])] = [
            (.geluTanh, [-0.15880799, 0.34571400, 1.95459771]),
            (.gelu, [-0.15865526, 0.34573123, 1.95449972]),
            (.silu, [-0.26894143, 0.31122968, 1.76159406]),
            (.quickGelu, [-0.15420423, 0.35038844, 1.93565857]),
        ]
        for (activation, expected) in cases {
            assertClose(activation(x), Tensor(shape: [3], values: expected), tolerance: 2e-7, "\(activation)")
        }
        XCTAssertEqual(Activation(configName: "gelu_new"), .geluTanh)
        XCTAssertNil(Activation(configName: "relu"))
    }

    func testFastExpIsAccurateAndSafe() {
        var worst: Double = 0
        var value: Float = -87
        while value < 88 {
            let exact = Foundation.exp(Double(value))
            worst = max(worst, abs(Double(Kernels.fastExp(value)) - exact) / exact)
            value += 0.0137
        }
        XCTAssertLessThan(worst, 3e-7, "relative error of fastExp")
        XCTAssertEqual(Kernels.fastExp(0), 1)
        XCTAssertGreaterThan(Kernels.fastExp(-.infinity), 0)  // clamped, no trap
        XCTAssertLessThan(Kernels.fastExp(-.infinity), 1e-37)
        _ = Kernels.fastExp(.nan)  // must not trap
    }

    // torch.softmax(torch.tensor([1.,2,3]), 0) → [0.09003057, 0.24472848, 0.66524094]; the causal
    // row 0 keeps only its first entry (1), row 1 the softmax of [1, 2].
    func testSoftmaxRowsWithCausalMask() {
        var rows: [Float] = [1, 2, 3, 1, 2, 3]
        rows.withUnsafeMutableBufferPointer {
            Kernels.softmaxRows($0.baseAddress!, rows: 1, length: { _ in 3 }, columns: 3, stride: 3)
            Kernels.softmaxRows($0.baseAddress! + 3, rows: 1, length: { _ in 2 }, columns: 3, stride: 3)
        }
        assertClose(Tensor(shape: [6], values: rows),
                    Tensor(shape: [6], values: [0.09003057, 0.24472848, 0.66524094, 0.26894142, 0.73105858, 0]),
                    tolerance: 1e-7, "softmax")
    }

    func testReductionsHandleTails() {
        let values: [Float] = (1...19).map(Float.init)
        values.withUnsafeBufferPointer { p in
            XCTAssertEqual(Kernels.sum(p.baseAddress!, count: 19), 190)
            XCTAssertEqual(Kernels.maximum(p.baseAddress!, count: 19), 19)
            XCTAssertEqual(Kernels.sumOfSquares(p.baseAddress!, count: 3, center: 2), 2)
        }
    }

    /// Multi-head attention against a direct double-precision evaluation of
    /// softmax(QKᵀ/√d)·V per head (with and without the causal mask).
    func testMultiHeadAttentionMatchesDirectFormula() {
        let tokens = 5, heads = 3, headDim = 4, width = heads * headDim
        let packed = Tensor(shape: [tokens, 3 * width], values: (0..<(tokens * 3 * width)).map { Float(sin(Double($0) * 0.37)) })
        for causal in [false, true] {
            var out = Tensor(shape: [tokens, width])
            var scores = Tensor(shape: [tokens, tokens])
            ScaledDotProductAttention.multiHead(packedQKV: packed.readPointer, items: 1, tokens: tokens, heads: heads,
                                                headDim: headDim, causal: causal, scores: scores.writePointer(),
                                                output: out.writePointer())
            var expected = [Float](repeating: 0, count: tokens * width)
            let v = packed.scalars.map(Double.init)
            for h in 0..<heads {
                for i in 0..<tokens {
                    let visible = causal ? i + 1 : tokens
                    var logits = [Double](repeating: 0, count: visible)
                    for j in 0..<visible {
                        for d in 0..<headDim {
                            logits[j] += v[i * 3 * width + h * headDim + d] * v[j * 3 * width + width + h * headDim + d]
                        }
                        logits[j] /= Double(headDim).squareRoot()
                    }
                    let m = logits.max()!
                    let weights = logits.map { Foundation.exp($0 - m) }
                    let total = weights.reduce(0, +)
                    for d in 0..<headDim {
                        var acc = 0.0
                        for j in 0..<visible { acc += weights[j] / total * v[j * 3 * width + 2 * width + h * headDim + d] }
                        expected[i * width + h * headDim + d] = Float(acc)
                    }
                }
            }
            assertClose(out, Tensor(shape: [tokens, width], values: expected), tolerance: 1e-6, "attention causal=\(causal)")
        }
    }

    // get_timestep_embedding(torch.tensor([737.0]), 256, flip_sin_to_cos=True, downscale_freq_shift=0)
    // [0, i] for i in (0, 1, 64, 127, 128, 129, 200, 255) →
    // [-0.29219648, 0.56990546, 0.46530730, 0.99686545, 0.95635831, 0.82171029, -0.84301406, 0.07911581]
    func testTimestepSinusoidMatchesDiffusers() {
        let features = TimestepEmbedding.sinusoidal([737], dimension: 256, flipSinToCos: true, downscaleFrequencyShift: 0)
        let picked = [0, 1, 64, 127, 128, 129, 200, 255].map { features[0, $0] }
        assertClose(Tensor(shape: [8], values: picked),
                    Tensor(shape: [8], values: [-0.29219648, 0.56990546, 0.46530730, 0.99686545,
                                                0.95635831, 0.82171029, -0.84301406, 0.07911581]),
                    tolerance: 5e-5, "timestep features")  // t·f rounding at t≈1000 (see fixture README)
    }

    /// The README states the f32 fixtures' stored `pos_embed.pos_embed` equals diffusers' formula;
    /// the Swift formula must reproduce it (sample 16, patch 2 → base 8; max 10 in latent_vae_b).
    func testSinCosPositionTableMatchesStoredBuffer() throws {
        for (name, maxSize) in [("latent_vae_b", 10), ("sd3_qknorm_dual", 12), ("sd3_basic", 8)] {
            let directory = ReferenceCase.root.appendingPathComponent(name)
            let config = try ModelConfig(contentsOf: directory.appendingPathComponent("transformer/config.json"), name: "config.json")
            let sd3 = try SD3TransformerConfig(config)
            XCTAssertEqual(sd3.posEmbedMaxSize, maxSize)
            let file = try SafeTensorsFile(url: directory.appendingPathComponent("transformer/diffusion_pytorch_model.safetensors"))
            let stored = Tensor(shape: [maxSize * maxSize, sd3.innerDim], values: try file.floats("pos_embed.pos_embed"))
            let computed = PatchEmbedding.sinCos2D(dimension: sd3.innerDim, gridHeight: maxSize, gridWidth: maxSize,
                                                   baseSize: sd3.sampleSize / sd3.patchSize)
            XCTAssertLessThanOrEqual(computed.maxAbsDifference(stored), 1e-7, name)
        }
    }

    /// A 6×8 grid from a 12×12 table starts at row (12−6)/2 = 3, column (12−8)/2 = 2.
    func testPositionEmbeddingCentreCrop() throws {
        let dim = 4, maxSize = 12
        let table = Tensor(shape: [1, maxSize * maxSize, dim], values: (0..<(maxSize * maxSize * dim)).map(Float.init))
        let embed = try PatchEmbedding(scope(["proj.weight": Tensor(shape: [dim, 1, 2, 2]), "proj.bias": Tensor(shape: [dim]),
                                              "pos_embed": table]),
                                       patchSize: 2, inChannels: 1, dimension: dim, sampleSize: 16, maxSize: maxSize)
        let crop = embed.positionEmbedding(gridHeight: 6, gridWidth: 8)
        XCTAssertEqual(crop.shape, [48, dim])
        XCTAssertEqual(crop[0, 0], Float((3 * maxSize + 2) * dim))
        XCTAssertEqual(crop[47, 3], Float(((3 + 5) * maxSize + 2 + 7) * dim + 3))
    }

    /// Patches are flattened `(c, py, px)` like the conv weight, tokens row-major over the grid,
    /// then the sin-cos position embedding is added.
    func testPatchEmbeddingIsAStridedConvolution() throws {
        // Output channel 0 picks channel 1, pixel (1, 0) of each 2×2 patch; the others are 0.
        var kernel = Tensor(shape: [4, 2, 2, 2])
        kernel[0, 1, 1, 0] = 1
        let embed = try PatchEmbedding(scope(["proj.weight": kernel, "proj.bias": Tensor(shape: [4], repeating: 0.5)]),
                                       patchSize: 2, inChannels: 2, dimension: 4, sampleSize: 4, maxSize: nil)
        let x = Tensor(shape: [1, 2, 2, 4], values: (0..<16).map(Float.init))
        var patches = Tensor(shape: [0]), out = Tensor(shape: [0])
        try embed.apply(x, patches: &patches, output: &out)
        // Channel 1 holds 8…15 as [2, 4]: patch 0 is [[8, 9], [12, 13]], patch 1 [[10, 11], [14, 15]].
        XCTAssertEqual(patches.shape, [2, 8])
        XCTAssertEqual((4...7).map { patches[0, $0] }, [8, 9, 12, 13])
        XCTAssertEqual((4...7).map { patches[1, $0] }, [10, 11, 14, 15])
        let positions = PatchEmbedding.sinCos2D(dimension: 4, gridHeight: 1, gridWidth: 2, baseSize: 2)
        XCTAssertEqual(out[0, 0] - positions[0, 0], 12.5, accuracy: 1e-6)
        XCTAssertEqual(out[1, 0] - positions[1, 0], 14.5, accuracy: 1e-6)
        XCTAssertEqual(out[1, 1] - positions[1, 1], 0.5, accuracy: 1e-6)
    }
}
