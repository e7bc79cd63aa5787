import DiTEngine

/// How the evaluations report what a feature cache did over their runs: one wording for people and
/// one set of JSON fields, so that a cached measurement always shows the cache was at work.
extension FeatureCache.Statistics {
    /// "N forwards, N skipped every block, …", as `evaluate` and the other evaluations print it.
    var summary: String {
        "\(forwards) forwards, \(skippedStacks) skipped every block, \(reusedRanges) reused a block range, "
            + "\(blocksRun) blocks run, \(sharedGuidance) evaluations shared guidance"
    }

    /// `"cache_forwards": N, …` — the same counts as JSON object members (all 0 for an uncached run).
    var jsonFields: String {
        "\"cache_forwards\": \(forwards), \"cache_skipped_stacks\": \(skippedStacks), \"cache_reused_ranges\": \(reusedRanges), "
            + "\"cache_blocks_run\": \(blocksRun), \"cache_shared_guidance\": \(sharedGuidance)"
    }
}
