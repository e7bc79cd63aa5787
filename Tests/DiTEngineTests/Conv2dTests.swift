import Foundation
import XCTest
@testable import DiTEngine

/// Conv2d against torch. Inputs and weights are `seq(n, a, b, s)` = float32(sin(i·a + b)·s), made
/// the same way on both sides; expected values printed by torch 2.13 (CPU), e.g.
///   seq = lambda n, a, b, s: torch.tensor((np.sin(np.arange(n)*a + b)*s).astype(np.float32))
///   x = seq(80, .37, .1, 1).reshape(2,2,4,5); w = seq(54, .21, .5, .4).reshape(3,2,3,3); b = seq(3, 1.3, .2, .1)
///   F.conv2d(x, w, b, padding=1).flatten().tolist()
final class Conv2dTests: XCTestCase {
    static func seq(_ shape: [Int], _ a: Double, _ b: Double, _ s: Double) -> Tensor {
        let n = Tensor.elementCount(shape)
        return Tensor(shape: shape, values: (0..<n).map { Float(sin(Double($0) * a + b) * s) })
    }

    static func conv(out: Int, in inChannels: Int, kernel: Int, stride: Int = 1, padding: Conv2d.Padding) -> Conv2d {
        Conv2d(weight: seq([out, inChannels, kernel, kernel], 0.21, 0.5, 0.4), bias: seq([out], 1.3, 0.2, 0.1),
               stride: stride, padding: padding)
    }

    func testThreeByThreePaddedBatchOfTwoMatchesTorch() {
        let x = Self.seq([2, 2, 4, 5], 0.37, 0.1, 1)
        let y = Self.conv(out: 3, in: 2, kernel: 3, padding: .uniform(1))(x)
        XCTAssertEqual(y.shape, [2, 3, 4, 5])
        // F.conv2d(x, w, b, padding=1)
        let expected: [Float] = [0.7452278, 1.469084, 1.747873, 1.792786, 1.12214, 1.219979, 1.579485, 1.111503, 0.4957732, -0.01715977, -0.6420587, -1.373411, -1.721382, -1.833682, -1.157757, -1.162962, -1.538552, -1.079753, -0.4721245, 0.03974015, 0.1178796, -0.3879588, -0.9666966, -1.401096, -1.03956, -1.102449, -1.794608, -1.703626, -1.368565, -0.6173812, 0.02194311, 0.5228906, 1.163012, 1.659227, 1.305135, 1.210364, 1.879243, 1.806295, 1.502375, 0.788696, -0.7209806, -0.6324135, 0.01830267, 0.6710758, 0.7610606, 0.7642272, 1.516392, 1.838248, 1.91584, 1.222303, 0.8203886, 0.7471736, 0.06704964, -0.6176153, -0.7248375, -0.5674198, -1.266111, -1.607751, -1.727255, -1.092886, 0.316636, -0.0504255, -0.6906623, -1.234732, -1.036305, -0.9902, -1.729894, -1.833015, -1.685358, -0.9313759, -0.4073295, -0.08681159, 0.5896974, 1.189083, 1.04101, 1.010689, 1.749052, 1.858824, 1.719703, 0.9839988, -0.8414364, -0.9336185, -0.3482322, 0.2977863, 0.5671711, 0.5040436, 1.184327, 1.673806, 1.950244, 1.367401, 1.151021, 1.29713, 0.683965, -0.008270793, -0.3263361, -0.248856, -0.8917782, -1.361127, -1.632753, -1.100081, 1.248361, 1.763475, 1.463528, 0.9700328, 0.3389486, 0.3942325, 0.04132751, -0.6416987, -1.23334, -1.051223, -1.227744, -1.782926, -1.474635, -0.9622261, -0.3033113, -0.3974307, -0.1032013, 0.5408435, 1.116222, 0.9964053]
        assertClose(y, Tensor(shape: [2, 3, 4, 5], values: expected), tolerance: 1e-5, "conv 3×3 pad 1")
    }

    func testDiffusersDownsamplePaddingOnOddHeightMatchesTorch() {
        let x = Self.seq([1, 2, 5, 6], 0.37, 0.1, 1)
        let conv = Self.conv(out: 3, in: 2, kernel: 3, stride: 2, padding: Downsample2D.padding)
        XCTAssertEqual(conv.outputSize(height: 5, width: 6)?.height, 2)
        XCTAssertEqual(conv.outputSize(height: 5, width: 6)?.width, 3)
        let y = conv(x)
        XCTAssertEqual(y.shape, [1, 3, 2, 3])
        // F.conv2d(F.pad(x, (0, 1, 0, 1)), w, b, stride=2)
        let expected: [Float] = [-0.5301293, 0.1622321, 0.4327027, -0.6156541, -0.9541981, -0.6578177, 0.009546615, -0.5350608, -0.4963473, 0.935613, 0.8112923, 0.4330471, 0.7283692, 0.9106972, 0.5780492, -0.6734537, -0.1352392, 0.1758768]
        assertClose(y, Tensor(shape: [1, 3, 2, 3], values: expected), tolerance: 1e-5, "downsample conv")
    }

    func testStrideTwoWithUniformPaddingMatchesTorch() {
        let x = Self.seq([1, 2, 5, 5], 0.37, 0.1, 1)
        let y = Self.conv(out: 2, in: 2, kernel: 3, stride: 2, padding: .uniform(1))(x)
        XCTAssertEqual(y.shape, [1, 2, 3, 3])
        // F.conv2d(x, w, b, stride=2, padding=1)
        let expected: [Float] = [1.380661, 1.830889, 0.6875446, -1.131506, -1.200531, -0.07347484, 0.8988062, 1.333265, 0.5043021, -1.158934, -2.089045, -1.078918, 0.7811865, 1.406746, 0.7059895, -0.704392, -1.777429, -1.132757]
        assertClose(y, Tensor(shape: [1, 2, 3, 3], values: expected), tolerance: 1e-5, "conv stride 2 pad 1")
    }

    func testPointwiseBatchOfTwoMatchesTorch() {
        let x = Self.seq([2, 3, 2, 2], 0.37, 0.1, 1)
        let conv = Self.conv(out: 2, in: 3, kernel: 1, padding: .uniform(0))
        XCTAssertTrue(conv.isPointwise)
        // F.conv2d(x, w, b) with w = seq(6, .21, .5, .4).reshape(2,3,1,1)
        let expected: [Float] = [0.3256718, 0.2584122, 0.1588665, 0.04050798, 0.5578368, 0.5115733, 0.4095713, 0.2656365, 0.06161711, 0.1778259, 0.2726558, 0.3332718, 0.01716192, 0.1864013, 0.3439127, 0.4683778]
        assertClose(conv(x), Tensor(shape: [2, 2, 2, 2], values: expected), tolerance: 1e-6, "conv 1×1")
    }

    func testOutputChannelLimitComputesTheLeadingChannelsOnly() {
        let x = Self.seq([2, 3, 2, 2], 0.37, 0.1, 1)
        let conv = Self.conv(out: 2, in: 3, kernel: 1, padding: .uniform(0))
        let full = conv(x)
        var firstOnly = Tensor(shape: [2, 1, 2, 2], repeating: .nan)
        var columns = Tensor(shape: [0])
        conv.apply(input: x.readPointer, batch: 2, height: 2, width: 2, output: firstOnly.writePointer(),
                   columns: &columns, outputChannelLimit: 1)
        // Channel 0 of each batch item, packed as a 1-channel tensor.
        XCTAssertEqual(firstOnly.scalars, Array(full.scalars[0..<4]) + Array(full.scalars[8..<12]))
    }

    func testAccumulateAddsOntoTheOutput() {
        let x = Self.seq([2, 2, 4, 5], 0.37, 0.1, 1)
        let conv = Self.conv(out: 3, in: 2, kernel: 3, padding: .uniform(1))
        let plain = conv(x)
        let residual = Self.seq([2, 3, 4, 5], 0.13, 0.7, 2)
        var output = residual
        var columns = Tensor(shape: [0])
        conv.apply(x, into: &output, columns: &columns, accumulate: true)
        assertClose(output, plain + residual, tolerance: 1e-6, "accumulated conv")
    }

    /// out[o, y, x] = b[o] + Σ w[o, c, ky, kx] · in[c, y·s − top + ky, x·s − left + kx] (0 outside):
    /// torch's definition, evaluated directly.
    static func direct(_ conv: Conv2d, _ x: Tensor) -> Tensor {
        let (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (outHeight, outWidth) = conv.outputSize(height: height, width: width)!
        var y = Tensor(shape: [batch, conv.outChannels, outHeight, outWidth])
        for b in 0..<batch {
            for o in 0..<conv.outChannels {
                for oy in 0..<outHeight {
                    for ox in 0..<outWidth {
                        var sum = Double(conv.bias?[o] ?? 0)
                        for c in 0..<channels {
                            for ky in 0..<conv.kernelHeight {
                                for kx in 0..<conv.kernelWidth {
                                    let iy = oy * conv.stride - conv.padding.top + ky
                                    let ix = ox * conv.stride - conv.padding.left + kx
                                    guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
                                    sum += Double(conv.weight[o, c, ky, kx]) * Double(x[b, c, iy, ix])
                                }
                            }
                        }
                        y[b, o, oy, ox] = Float(sum)
                    }
                }
            }
        }
        return y
    }

    func testMatchesTheDefinitionOnEdgeShapes() {
        let cases: [(kernel: Int, stride: Int, padding: Conv2d.Padding, height: Int, width: Int)] = [
            (3, 1, .uniform(1), 1, 1), (3, 1, .uniform(1), 1, 4), (3, 1, .uniform(1), 4, 1), (3, 1, .uniform(1), 2, 3),
            (5, 1, .uniform(2), 3, 6), (3, 1, Conv2d.Padding(top: 2, left: 1, bottom: 0, right: 1), 4, 5),
            (3, 1, .uniform(0), 4, 5), (2, 1, Conv2d.Padding(top: 0, left: 1, bottom: 1, right: 0), 3, 3),
            (3, 2, Downsample2D.padding, 2, 2), (3, 2, Downsample2D.padding, 7, 4), (3, 3, .uniform(1), 7, 8),
        ]
        for (index, c) in cases.enumerated() {
            let conv = Conv2d(weight: Self.seq([3, 2, c.kernel, c.kernel], 0.21, 0.5, 0.4), bias: Self.seq([3], 1.3, 0.2, 0.1),
                              stride: c.stride, padding: c.padding)
            let x = Self.seq([2, 2, c.height, c.width], 0.37, 0.1 + Double(index), 1)
            let reference = Self.direct(conv, x)
            assertClose(conv(x), reference, tolerance: 1e-5, "case \(index): \(c)")
            // In bands of one and of two output rows (bounded im2col buffer), too.
            let (outHeight, outWidth) = conv.outputSize(height: c.height, width: c.width)!
            for limit in [1, 2 * conv.patchLength * outWidth] {
                var banded = Tensor(shape: reference.shape, repeating: .nan)
                var columns = Tensor(shape: [0])
                conv.apply(input: x.readPointer, batch: 2, height: c.height, width: c.width,
                           output: banded.writePointer(), columns: &columns, maxColumnEntries: limit)
                XCTAssertLessThanOrEqual(columns.count, max(limit, conv.patchLength * outWidth))
                XCTAssertEqual(outHeight, reference.shape[2])
                assertClose(banded, reference, tolerance: 1e-5, "case \(index) in bands (limit \(limit))")
            }
        }
    }

    func testTooSmallInputHasNoOutputSize() {
        let conv = Self.conv(out: 1, in: 1, kernel: 3, stride: 2, padding: Downsample2D.padding)
        XCTAssertNil(conv.outputSize(height: 1, width: 8))  // padded to 2 rows < 3
        XCTAssertNotNil(conv.outputSize(height: 2, width: 2))
        XCTAssertNil(conv.outputSize(height: 0, width: 4))
    }

    /// torch's `F.interpolate(x, scale_factor=2.0, mode="nearest")`: output (y, x) = input (y // 2, x // 2).
    static func nearest2x(_ x: Tensor) -> Tensor {
        var y = Tensor(shape: [x.shape[0], x.shape[1], 2 * x.shape[2], 2 * x.shape[3]])
        for b in 0..<x.shape[0] {
            for c in 0..<x.shape[1] {
                for row in 0..<(2 * x.shape[2]) {
                    for col in 0..<(2 * x.shape[3]) { y[b, c, row, col] = x[b, c, row / 2, col / 2] }
                }
            }
        }
        return y
    }

    func testUpsampleMatchesTorch() {
        let x = Self.seq([1, 2, 2, 3], 0.37, 0.1, 1)
        let upsample = Upsample2D(conv: Self.conv(out: 2, in: 2, kernel: 3, padding: .uniform(1)))
        var y = Tensor(shape: [0]), phase = Tensor(shape: [0]), columns = Tensor(shape: [0])
        upsample.apply(x, into: &y, phase: &phase, columns: &columns)
        // F.conv2d(F.interpolate(x, scale_factor=2.0, mode="nearest"), w, b, padding=1)
        let expected: [Float] = [-0.3710482, -0.01621995, 0.3397067, 1.017163, 1.344267, 1.10994, 1.108549, 2.19806, 2.486953, 2.936363, 3.103632, 2.055884, 1.923702, 3.1545, 3.332087, 3.51748, 3.5396, 2.181954, 1.24786, 1.716349, 1.702226, 1.578452, 1.490493, 0.7161865, 1.007256, 0.9791082, 0.583412, -0.2054789, -0.6049896, -0.7193575, -0.03499774, -0.8822617, -1.380793, -2.287298, -2.697503, -2.076822, -1.212337, -2.504378, -2.905286, -3.550965, -3.798644, -2.651499, -1.500813, -2.44274, -2.591162, -2.746525, -2.76723, -1.696913]
        assertClose(y, Tensor(shape: [1, 2, 4, 6], values: expected), tolerance: 1e-5, "upsample")
    }

    func testUpsamplePhasesEqualNearestThenConvolution() {
        // The four 2×2 phase convolutions against the definition: nearest ×2, then the 3×3 conv.
        for (index, (height, width)) in [(1, 1), (1, 5), (4, 1), (3, 7), (8, 8)].enumerated() {
            let conv = Self.conv(out: 3, in: 2, kernel: 3, padding: .uniform(1))
            let upsample = Upsample2D(conv: conv)
            let x = Self.seq([2, 2, height, width], 0.37, 0.3 * Double(index), 1)
            var y = Tensor(shape: [0]), phase = Tensor(shape: [0]), columns = Tensor(shape: [0])
            upsample.apply(x, into: &y, phase: &phase, columns: &columns)
            XCTAssertEqual(y.shape, [2, 3, 2 * height, 2 * width])
            assertClose(y, conv(Self.nearest2x(x)), tolerance: 1e-5, "\(height)×\(width)")
        }
    }
}
