/// The attention of regional prompting over one sequence `[image | region 1 text | … | region R text | base text]`,
/// as an `AttentionBias` of two components:
///
/// - **regional** (image rows weighted `1 − β`, region text rows 1): region text attends to itself
///   and to its region's image tokens; an image token attends to the text of every region that
///   covers it, and to the image tokens it shares a region with (uncovered tokens: to uncovered
///   tokens). In blocks without the mask, image and region text attend to one another freely.
///   With an emphasis E > 0, an image token's scores to its regions' text are raised by E before the
///   softmax (in the masked blocks), so the region prompt outweighs the image around it by up to e^E
///   (an addition to the published method: the bare mask placed too weakly on small models).
/// - **base** (image rows weighted `β`, base text rows 1): image and base text attend to each other
///   with no mask — the base branch of the method.
///
/// Because projections and norms act token by token, one pass over this sequence equals running the
/// regional and base branches separately and blending their image outputs; each text stream is
/// updated from its own branch.
public final class RegionalAttention: TransformerBlockHooks, @unchecked Sendable {
    public let masked: AttentionBias
    public let unmasked: AttentionBias
    public let blockInterval: Int

    /// - Parameters:
    ///   - grid: each region's image tokens (a background region included, if any).
    ///   - textTokens: tokens of each region's text, and of the base text (one prompt's length).
    ///   - emphasis: added to the scores from an image token to its regions' text, in masked blocks.
    public init(grid: RegionGrid, textTokens: Int, baseRatio: Float, blockInterval: Int, emphasis: Float = 0) {
        self.blockInterval = blockInterval
        masked = Self.bias(grid: grid, textTokens: textTokens, baseRatio: baseRatio, regionMask: true, emphasis: emphasis)
        unmasked = Self.bias(grid: grid, textTokens: textTokens, baseRatio: baseRatio, regionMask: false)
    }

    public func attentionBias(block: Int, context: ForwardContext) -> AttentionBias? {
        block % blockInterval == 0 ? masked : unmasked
    }

    /// The two-component bias; exposed for tests of the exact matrices.
    public static func bias(grid: RegionGrid, textTokens: Int, baseRatio: Float, regionMask: Bool,
                            emphasis: Float = 0) -> AttentionBias {
        let imageTokens = grid.columns * grid.rows
        let regionCount = grid.coverage.count
        let baseStart = imageTokens + regionCount * textTokens
        let tokens = baseStart + textTokens
        let uncovered = grid.uncovered
        func regionOf(textToken t: Int) -> Int { (t - imageTokens) / textTokens }

        var regional = [UInt8](repeating: 0, count: tokens * tokens)
        var regionalWeights = [Float](repeating: 0, count: tokens)
        for q in 0..<baseStart {
            regionalWeights[q] = q < imageTokens ? 1 - baseRatio : 1
            for k in 0..<baseStart {
                let allowed: Bool
                if !regionMask {
                    allowed = true
                } else {
                    switch (q < imageTokens, k < imageTokens) {
                    case (true, true):
                        allowed = (uncovered[q] && uncovered[k]) || grid.coverage.contains { $0[q] && $0[k] }
                    case (true, false):
                        allowed = grid.coverage[regionOf(textToken: k)][q]
                    case (false, true):
                        allowed = grid.coverage[regionOf(textToken: q)][k]
                    case (false, false):
                        allowed = regionOf(textToken: q) == regionOf(textToken: k)
                    }
                }
                if allowed { regional[q * tokens + k] = 1 }
            }
        }

        var offsets: [Float]?
        if regionMask && emphasis != 0 {
            var added = [Float](repeating: 0, count: tokens * tokens)
            for q in 0..<imageTokens {
                for k in imageTokens..<baseStart where regional[q * tokens + k] != 0 { added[q * tokens + k] = emphasis }
            }
            offsets = added
        }

        var base = [UInt8](repeating: 0, count: tokens * tokens)
        var baseWeights = [Float](repeating: 0, count: tokens)
        let baseRows = Array(0..<imageTokens) + Array(baseStart..<tokens)
        for q in baseRows {
            baseWeights[q] = q < imageTokens ? baseRatio : 1
            for k in baseRows { base[q * tokens + k] = 1 }
        }
        return AttentionBias(components: [
            AttentionBias.Component(rowWeights: regionalWeights, allowed: regional, scoreOffsets: offsets),
            AttentionBias.Component(rowWeights: baseWeights, allowed: base),
        ])
    }
}
