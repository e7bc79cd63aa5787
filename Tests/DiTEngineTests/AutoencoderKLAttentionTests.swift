import Foundation
import XCTest
@testable import DiTEngine

/// The VAE mid-block attention against diffusers' `Attention` (AttnProcessor2_0), whole and in
/// query chunks. `seq` as in `Conv2dTests`; expected values printed by diffusers 0.42.1 / torch 2.13:
///   attn = Attention(4, heads=1, dim_head=4, norm_num_groups=2, eps=1e-6, residual_connection=True,
///                    bias=True, upcast_softmax=True, _from_deprecated_attn_block=True)
///   state: group_norm.weight = 1 + seq(4, .9, .3, .2), group_norm.bias = seq(4, 1.7, .4, .3),
///          for i, n in enumerate([to_q, to_k, to_v, to_out.0]):
///              n.weight = seq(16, .31 + .1*i, .2*i, .6).reshape(4, 4), n.bias = seq(4, .7 + i, .1, .1)
///   x = seq(96, .37, .1, 1.5).reshape(2, 4, 3, 4); attn(x).flatten().tolist()
final class AutoencoderKLAttentionTests: XCTestCase {
    static let expected: [Float] = [0.1587701, 0.6861068, 1.121412, 1.405773, 1.500681, 1.393252, 1.097993, 0.6548577, 0.1238458, -0.4231315, -0.9120092, -1.276612, -1.543319, -1.528548, -1.314432, -0.9299656, -0.4271072, 0.1262187, 0.6552385, 1.08838, 1.366938, 1.453069, 1.334994, 1.028668, 0.7468195, 0.2038058, -0.3547137, -0.8531258, -1.224069, -1.417505, -1.407398, -1.195152, -0.8093911, -0.3021506, 0.258067, 0.7954726, 1.025294, 1.31229, 1.408618, 1.301226, 1.004718, 0.5593468, 0.02549528, -0.5245572, -1.016435, -1.383694, -1.576734, -1.569454, -1.251387, -0.869651, -0.3710515, 0.176889, 0.6999725, 1.127388, 1.401295, 1.484639, 1.366159, 1.061909, 0.6130869, 0.08044342, -0.5299996, -1.012522, -1.363899, -1.536435, -1.506646, -1.278515, -0.8829482, -0.3735433, 0.1806909, 0.7046735, 1.127418, 1.391689, 1.620155, 1.494704, 1.178192, 0.713285, 0.1627428, -0.3989824, -0.8958279, -1.260473, -1.443487, -1.420016, -1.193151, -0.7935713, -0.4774512, 0.07676405, 0.607173, 1.042113, 1.322834, 1.411386, 1.295759, 0.9915478, 0.5398706, 0.001798481, -0.5499046, -1.040588]

    func attention(maxScoreEntries: Int) throws -> AutoencoderKLAttention {
        var gamma = Conv2dTests.seq([4], 0.9, 0.3, 0.2)
        gamma.withUnsafeMutableBufferPointer { values in for i in values.indices { values[i] += 1 } }
        var tensors = ["attn.group_norm.weight": gamma, "attn.group_norm.bias": Conv2dTests.seq([4], 1.7, 0.4, 0.3)]
        for (i, name) in ["to_q", "to_k", "to_v", "to_out.0"].enumerated() {
            tensors["attn.\(name).weight"] = Conv2dTests.seq([4, 4], 0.31 + 0.1 * Double(i), 0.2 * Double(i), 0.6)
            tensors["attn.\(name).bias"] = Conv2dTests.seq([4], 0.7 + Double(i), 0.1, 0.1)
        }
        let loader = WeightLoader(source: DictionaryWeightSource(tensors: tensors))
        let attention = try AutoencoderKLAttention(loader.root.child("attn"), channels: 4, groups: 2,
                                                   maxScoreEntries: maxScoreEntries)
        try loader.verifyAllUsed()
        return attention
    }

    func run(_ attention: AutoencoderKLAttention) -> Tensor {
        let workspace = AutoencoderKLWorkspace()
        workspace.current = Conv2dTests.seq([2, 4, 3, 4], 0.37, 0.1, 1.5)
        attention.apply(workspace)
        return workspace.current
    }

    func testMatchesDiffusers() throws {
        assertClose(run(try attention(maxScoreEntries: 1 << 20)), Tensor(shape: [2, 4, 3, 4], values: Self.expected),
                    tolerance: 1e-5, "attention")
    }

    func testQueryChunksGiveTheSameResult() throws {
        // 12 tokens with room for 5 score rows: chunks of 5, 5 and 2 queries; and one query at a time.
        for limit in [60, 1] {
            assertClose(run(try attention(maxScoreEntries: limit)), Tensor(shape: [2, 4, 3, 4], values: Self.expected),
                        tolerance: 1e-5, "attention with \(limit) score entries")
        }
    }
}
