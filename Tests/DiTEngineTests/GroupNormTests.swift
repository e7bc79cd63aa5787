import Foundation
import XCTest
@testable import DiTEngine

/// GroupNorm against torch. `seq` as in `Conv2dTests`; expected values printed by torch 2.13:
///   x = seq(48, .37, .1, 2).reshape(2,4,3,2) + 0.5; g = 1 + seq(4, .9, .3, .2); be = seq(4, 1.7, .4, .3)
///   F.group_norm(x, 2, g, be, eps=1e-6).flatten().tolist()
///   F.silu(F.group_norm(x, 2, g, be, eps=1e-6)).flatten().tolist()
final class GroupNormTests: XCTestCase {
    func makeInput() -> Tensor {
        var x = Conv2dTests.seq([2, 4, 3, 2], 0.37, 0.1, 2)
        x.withUnsafeMutableBufferPointer { values in for i in values.indices { values[i] += 0.5 } }
        return x
    }

    func makeNorm() -> GroupNorm {
        var gamma = Conv2dTests.seq([4], 0.9, 0.3, 0.2)
        gamma.withUnsafeMutableBufferPointer { values in for i in values.indices { values[i] += 1 } }
        return GroupNorm(weight: gamma, bias: Conv2dTests.seq([4], 1.7, 0.4, 0.3), groups: 2, eps: 1e-6)
    }

    func testTwoGroupsOfTwoChannelsMatchTorch() {
        let expected: [Float] = [-0.245471, 0.3781584, 0.8935149, 1.230848, 1.3445, 1.21909, 1.104451, 0.5190844, -0.1831538, -0.9072189, -1.555112, -2.039145, -1.857708, -1.850576, -1.639422, -1.252825, -0.7431099, -0.1792631, 0.2670581, 0.6582791, 0.9128165, 0.9962198, 0.8972005, 0.6291608, 1.763296, 1.023273, 0.2622036, -0.4169039, -0.9221356, -1.185111, -1.182804, -0.8571516, -0.2665833, 0.5089699, 1.364541, 2.184331, 0.8300843, 1.115325, 1.20609, 1.090094, 0.7830364, 0.3264761, -0.2416818, -0.7312366, -1.166848, -1.489557, -1.655688, -1.642755]
        assertClose(makeNorm()(makeInput()), Tensor(shape: [2, 4, 3, 2], values: expected), tolerance: 1e-5, "group_norm")
    }

    func testFusedSiLUMatchesTorch() {
        let expected: [Float] = [-0.1077467, 0.2244101, 0.6340516, 0.9526355, 1.066496, 0.9410199, 0.8295454, 0.3254315, -0.08321393, -0.2608883, -0.2711325, -0.2348154, -0.2507356, -0.251318, -0.2664777, -0.2783921, -0.2395225, -0.0816192, 0.1512538, 0.4337228, 0.6513641, 0.727554, 0.6373478, 0.4104011, 1.505189, 0.7527292, 0.1481917, -0.1656183, -0.2623687, -0.2774754, -0.2774248, -0.2553753, -0.1156295, 0.3178848, 1.086852, 1.96335, 0.5780481, 0.8399745, 0.9282147, 0.8158256, 0.5374246, 0.1896506, -0.106309, -0.2375959, -0.2770391, -0.2740609, -0.2654758, -0.2662751]
        assertClose(makeNorm()(makeInput(), silu: true), Tensor(shape: [2, 4, 3, 2], values: expected), tolerance: 1e-5, "silu(group_norm)")
    }

    func testFusedSiLUOnLongRowsIsSiLUOfTheNorm() {
        // 37 values per channel: two sixteen-lane blocks and a scalar tail; scales up to 12 put
        // the normalised values v in about ±25, across the exponential's range. silu(v) = v / (1 + e^−v).
        let x = Conv2dTests.seq([2, 4, 37, 1], 0.29, 0.7, 3)
        let norm = GroupNorm(weight: Tensor(shape: [4], values: [12, -7, 0.5, 3]),
                             bias: Tensor(shape: [4], values: [0.5, -1, 2, 0]), groups: 2, eps: 1e-6)
        let plain = norm(x).scalars, fused = norm(x, silu: true).scalars
        XCTAssertEqual(plain.count, x.count)
        XCTAssertEqual(fused.count, x.count)
        for (v, y) in zip(plain, fused) {
            let expected = Double(v) / (1 + Foundation.exp(-Double(v)))
            XCTAssertEqual(Double(y), expected, accuracy: 1e-6 * max(1, abs(expected)))
        }
    }

    func testInPlaceGivesTheSameResult() {
        let norm = makeNorm()
        let x = makeInput()
        var inPlace = x
        let p = inPlace.writePointer()
        norm.apply(input: p, output: p, batch: 2, spatial: 6)
        XCTAssertEqual(inPlace.scalars, norm(x).scalars)
    }

    func testLongGroupsStayAccurate() {
        // 2 groups of 2 channels × 4099 values (the 8-wide partial sums plus a tail), offset 100:
        // the normalised result has mean β and standard deviation |γ| per group (biased variance).
        let spatial = 4099
        var x = Conv2dTests.seq([1, 4, spatial, 1], 0.0123, 0.3, 3)
        x.withUnsafeMutableBufferPointer { values in for i in values.indices { values[i] += 100 } }
        let norm = GroupNorm(weight: Tensor(shape: [4], values: [2, 2, 0.5, 0.5]),
                             bias: Tensor(shape: [4], values: [1, 1, -3, -3]), groups: 2, eps: 1e-6)
        let y = norm(x).scalars
        for (group, (gamma, beta)) in [(Float(2), Float(1)), (0.5, -3)].enumerated() {
            let values = y[(group * 2 * spatial)..<((group + 1) * 2 * spatial)].map(Double.init)
            let mean = values.reduce(0, +) / Double(values.count)
            let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            XCTAssertEqual(mean, Double(beta), accuracy: 1e-4)
            XCTAssertEqual(std, Double(gamma), accuracy: 1e-4)
        }
    }
}
