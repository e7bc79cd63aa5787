import Foundation
import XCTest
@testable import DiTEngine

/// Regional prompting's masks and attention: exact matrices on small grids, and the single-pass
/// biased attention against the two-branch PyTorch reference (`Training/reference/make_regional_fixtures.py`).
final class RegionalAttentionTests: XCTestCase {
    // MARK: Regions on the patch grid

    func testBoxCoversCellsAtLeastHalfInside() {
        // 4×2 grid; box x 0.1…0.6, y 0…0.5: cell 0 is 0.6 inside, cell 1 fully, cell 2 0.4 → no.
        let grid = RegionGrid(areas: [.box(x0: 0.1, y0: 0, x1: 0.6, y1: 0.5)], columns: 4, rows: 2)
        XCTAssertEqual(grid.coverage[0], [true, true, false, false, false, false, false, false])
    }

    func testRegionSmallerThanAPatchKeepsTheCellItOverlapsMost() {
        // A 0.05-wide box inside cell (2, 1) of a 4×4 grid covers no half cell.
        let grid = RegionGrid(areas: [.box(x0: 0.55, y0: 0.3, x1: 0.6, y1: 0.35)], columns: 4, rows: 4)
        var expected = [Bool](repeating: false, count: 16)
        expected[1 * 4 + 2] = true
        XCTAssertEqual(grid.coverage[0], expected)
    }

    func testOverlappingRegionsBothCoverTheSharedCellAndUncoveredIsTheRest() {
        let grid = RegionGrid(areas: [.box(x0: 0, y0: 0, x1: 0.5, y1: 1), .box(x0: 0.25, y0: 0, x1: 0.75, y1: 0.5)],
                              columns: 4, rows: 2)
        XCTAssertEqual(grid.coverage[0], [true, true, false, false, true, true, false, false])
        XCTAssertEqual(grid.coverage[1], [false, true, true, false, false, false, false, false])
        XCTAssertEqual(grid.uncovered, [false, false, false, true, false, false, true, true])
    }

    func testMaskIsAreaAveragedOntoTheGrid() {
        // An 8×4 mask whose left 3 columns are set, on a 2×2 grid: left cells are 3/4 inside.
        let values = (0..<32).map { UInt8($0 % 8 < 3 ? 1 : 0) }
        let grid = RegionGrid(areas: [.mask(RegionMask(width: 8, height: 4, values: values))], columns: 2, rows: 2)
        XCTAssertEqual(grid.coverage[0], [true, false, true, false])
        // A mask coarser than the grid: a 1×1 white mask covers everything.
        let whole = RegionGrid(areas: [.mask(RegionMask(width: 1, height: 1, values: [1]))], columns: 3, rows: 2)
        XCTAssertEqual(whole.coverage[0], [Bool](repeating: true, count: 6))
    }

    // MARK: Exact mask matrices

    /// Grid of 3 image tokens: region A covers 0 and 1, region B covers 1; token 2 uncovered; one text token each.
    /// Sequence: [i0 i1 i2 | a | b | base].
    func testMaskedBiasMatrices() {
        let grid = RegionGrid(columns: 3, rows: 1, coverage: [[true, true, false], [false, true, false]])
        let bias = RegionalAttention.bias(grid: grid, textTokens: 1, baseRatio: 0.25, regionMask: true)
        XCTAssertEqual(bias.tokens, 6)
        let regional = bias.components[0], base = bias.components[1]
        func rows(_ c: AttentionBias.Component) -> [[Int]] {
            (0..<6).map { q in (0..<6).map { k in c.allows(query: q, key: k) ? 1 : 0 } }
        }
        XCTAssertEqual(rows(regional), [
            // i0 i1 i2 a  b  base
            [1, 1, 0, 1, 0, 0],  // i0: in A → A's image and text
            [1, 1, 0, 1, 1, 0],  // i1: in A and B → both texts, image sharing a region
            [0, 0, 1, 0, 0, 0],  // i2: uncovered → uncovered image only
            [1, 1, 0, 1, 0, 0],  // a: itself and A's image
            [0, 1, 0, 0, 1, 0],  // b: itself and B's image
            [0, 0, 0, 0, 0, 0],  // base text: not in the regional branch
        ])
        XCTAssertEqual(regional.rowWeights, [0.75, 0.75, 0.75, 1, 1, 0])
        XCTAssertEqual(rows(base), [
            [1, 1, 1, 0, 0, 1],
            [1, 1, 1, 0, 0, 1],
            [1, 1, 1, 0, 0, 1],
            [0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0],
            [1, 1, 1, 0, 0, 1],
        ])
        XCTAssertEqual(base.rowWeights, [0.25, 0.25, 0.25, 0, 0, 1])
    }

    /// The same grid: with emphasis 2 the regional component adds 2 exactly where an image token may
    /// attend to a region's text, nothing elsewhere; the base component and unmasked blocks add nothing.
    func testEmphasisRaisesOnlyImageToOwnRegionTextScores() throws {
        let grid = RegionGrid(columns: 3, rows: 1, coverage: [[true, true, false], [false, true, false]])
        let bias = RegionalAttention.bias(grid: grid, textTokens: 1, baseRatio: 0.25, regionMask: true, emphasis: 2)
        let offsets = try XCTUnwrap(bias.components[0].scoreOffsets)
        XCTAssertEqual((0..<6).map { q in (0..<6).map { k in offsets[q * 6 + k] } }, [
            // i0 i1 i2 a  b  base
            [0, 0, 0, 2, 0, 0],  // i0 → A's text
            [0, 0, 0, 2, 2, 0],  // i1 → both texts
            [0, 0, 0, 0, 0, 0],  // uncovered: no region text to raise
            [0, 0, 0, 0, 0, 0],  // text rows unchanged
            [0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0],
        ])
        XCTAssertNil(bias.components[1].scoreOffsets)
        XCTAssertNil(RegionalAttention.bias(grid: grid, textTokens: 1, baseRatio: 0.25, regionMask: false, emphasis: 2)
            .components[0].scoreOffsets)
        XCTAssertNil(RegionalAttention.bias(grid: grid, textTokens: 1, baseRatio: 0.25, regionMask: true)
            .components[0].scoreOffsets)
    }

    func testUnmaskedBlocksLetImageAndRegionTextMeetFreely() {
        let grid = RegionGrid(columns: 2, rows: 1, coverage: [[true, false]])
        let bias = RegionalAttention.bias(grid: grid, textTokens: 2, baseRatio: 0.5, regionMask: false)
        let regional = bias.components[0]
        for q in 0..<4 { for k in 0..<6 { XCTAssertEqual(regional.allows(query: q, key: k), k < 4, "q\(q) k\(k)") } }
        let hooks = RegionalAttention(grid: grid, textTokens: 2, baseRatio: 0.5, blockInterval: 3)
        XCTAssertEqual(hooks.attentionBias(block: 0, context: .plain), hooks.masked)
        XCTAssertEqual(hooks.attentionBias(block: 1, context: .plain), hooks.unmasked)
        XCTAssertEqual(hooks.attentionBias(block: 3, context: .plain), hooks.masked)
    }

    // MARK: Against PyTorch

    func testBiasedAttentionMatchesTheTwoBranchReference() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/regional/attention.safetensors")
        let file = try SafeTensorsFile(url: url)
        let meta = file.metadata
        let columns = Int(meta["columns"]!)!, rows = Int(meta["rows"]!)!, textTokens = Int(meta["text_tokens"]!)!
        let heads = Int(meta["heads"]!)!, headDim = Int(meta["head_dim"]!)!
        let coverageLists = try JSONDecoder().decode([[Int]].self, from: Data(meta["coverage"]!.utf8))
        let coverage = coverageLists.map { tokens in (0..<(columns * rows)).map { tokens.contains($0) } }
        let grid = RegionGrid(columns: columns, rows: rows, coverage: coverage)
        let cases = try JSONDecoder().decode([String: [JSONValue]].self, from: Data(meta["cases"]!.utf8))
        XCTAssertEqual(cases.count, 4)
        let width = heads * headDim
        for (name, settings) in cases.sorted(by: { $0.key < $1.key }) {
            guard let ratio = settings[0].doubleValue, case .bool(let masked) = settings[1],
                  let emphasis = settings[2].doubleValue else {
                return XCTFail("case \(name): bad settings")
            }
            let q = try file.floats("\(name).q"), k = try file.floats("\(name).k"), v = try file.floats("\(name).v")
            let expected = try file.floats("\(name).out")
            let tokens = q.count / width
            XCTAssertEqual(tokens, columns * rows + (coverage.count + 1) * textTokens)
            var packed = [Float](repeating: 0, count: tokens * 3 * width)
            for t in 0..<tokens {
                for j in 0..<width {
                    packed[t * 3 * width + j] = q[t * width + j]
                    packed[t * 3 * width + width + j] = k[t * width + j]
                    packed[t * 3 * width + 2 * width + j] = v[t * width + j]
                }
            }
            let bias = RegionalAttention.bias(grid: grid, textTokens: textTokens, baseRatio: Float(ratio),
                                              regionMask: masked, emphasis: Float(emphasis))
            var scratch = ScaledDotProductAttention.BiasScratch()
            var output = [Float](repeating: .nan, count: tokens * width)
            packed.withUnsafeBufferPointer { qkv in
                output.withUnsafeMutableBufferPointer { out in
                    ScaledDotProductAttention.multiHead(packedQKV: qkv.baseAddress!, items: 1, tokens: tokens,
                                                        heads: heads, headDim: headDim, bias: bias,
                                                        scratch: &scratch, output: out.baseAddress!)
                }
            }
            XCTAssertEqual(output.count, expected.count)
            let error = zip(output, expected).map { abs($0 - $1) }.max() ?? .infinity
            // Observed 2.4e-7 to 3.6e-7 (float32 sgemm and fast exp against torch's SDPA).
            XCTAssertLessThanOrEqual(error, 1.5e-6, "\(name): max error \(error)")
        }
    }
}
