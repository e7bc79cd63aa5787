/// Which training-free feature caches a run uses, and how hard it leans on them. Every part is
/// optional; a plan with no part is a plain run. A run's first and last steps always compute the
/// whole model (the block caches never skip them), so the image's layout and its final detail are
/// the model's own.
///
/// The three parts combine: a step the residual cache skips skips every block; a step it computes
/// may still reuse a block range's residual; guidance sharing decides which branches run at all.
public struct CachePlan: Sendable, Equatable, Codable {
    /// TeaCache: skip the whole block stack while the inputs have changed little since the last
    /// computed step, adding the stack's last residual instead.
    public var residualReuse: ResidualReuse?
    /// Δ-DiT / FORA: reuse the residual of a range of blocks for a few steps.
    public var blockReuse: BlockReuse?
    /// Late steps run the conditional branch alone, with the last guidance difference reused.
    public var guidanceSharing: GuidanceSharing?

    public init(residualReuse: ResidualReuse? = nil, blockReuse: BlockReuse? = nil,
                guidanceSharing: GuidanceSharing? = nil) {
        self.residualReuse = residualReuse
        self.blockReuse = blockReuse
        self.guidanceSharing = guidanceSharing
    }

    /// True when no part is set: the run is the plain one.
    public var isEmpty: Bool { residualReuse == nil && blockReuse == nil && guidanceSharing == nil }

    /// TeaCache (Liu et al. 2024): the relative L1 change of the first block's timestep-modulated
    /// image input from one model evaluation to the next, accumulated over the evaluations skipped
    /// since the last computed one; while the sum stays below `threshold` the stack is skipped.
    public struct ResidualReuse: Sendable, Equatable, Codable {
        /// The accumulated relative change that forces a computed step (0.1 is a gentle setting).
        public var threshold: Double
        /// At most this many evaluations in a row are skipped (0: no limit).
        public var maxSkips: Int

        public init(threshold: Double, maxSkips: Int = 0) {
            self.threshold = threshold
            self.maxSkips = maxSkips
        }
    }

    /// Δ-DiT (Chen et al. 2024) on a FORA-style schedule: the residual of `blocks` consecutive
    /// blocks is computed every `interval` steps and reused in between. Before `switchAt` (a
    /// fraction of the schedule) the range is the rear blocks — early steps settle the outline,
    /// which the front blocks shape — and from then on the front blocks, as details take over.
    public struct BlockReuse: Sendable, Equatable, Codable {
        public var blocks: Int
        public var interval: Int
        public var switchAt: Double

        public init(blocks: Int, interval: Int, switchAt: Double = 0.5) {
            self.blocks = blocks
            self.interval = interval
            self.switchAt = switchAt
        }

        /// The range reused at `step` of `steps` in a model of `layers` blocks.
        func range(step: Int, of steps: Int, layers: Int) -> Range<Int> {
            let count = min(blocks, layers)
            let rear = Double(step) < switchAt * Double(steps)
            return rear ? (layers - count)..<layers : 0..<count
        }
    }

    /// Classifier-free guidance shared across steps: from `from` (a fraction of the schedule) on,
    /// only the conditional branch runs, and `v = v_c + (g − 1)·(v_c − v_u)` takes the difference
    /// from the last step that ran both branches.
    public struct GuidanceSharing: Sendable, Equatable, Codable {
        public var from: Double

        public init(from: Double) {
            self.from = from
        }

        /// The first step of `steps` that shares guidance.
        func firstSharedStep(of steps: Int) -> Int {
            Int((from * Double(steps)).rounded(.up))
        }
    }

    /// Throws `GenerationError.invalidRequest` naming the setting that is out of range.
    public func validate() throws {
        if let residualReuse {
            guard residualReuse.threshold.isFinite, residualReuse.threshold >= 0 else {
                throw GenerationError.invalidRequest("the residual cache's threshold must be a number ≥ 0 (got \(residualReuse.threshold))")
            }
            guard residualReuse.maxSkips >= 0 else {
                throw GenerationError.invalidRequest("the residual cache's max skips must be 0 or more (got \(residualReuse.maxSkips))")
            }
        }
        if let blockReuse {
            guard blockReuse.blocks >= 1 else {
                throw GenerationError.invalidRequest("the block cache's block count must be at least 1 (got \(blockReuse.blocks))")
            }
            guard blockReuse.interval >= 1 else {
                throw GenerationError.invalidRequest("the block cache's interval must be at least 1 step (got \(blockReuse.interval))")
            }
            guard blockReuse.switchAt.isFinite, (0...1).contains(blockReuse.switchAt) else {
                throw GenerationError.invalidRequest("the block cache's switch point must be in [0, 1] (got \(blockReuse.switchAt))")
            }
        }
        if let guidanceSharing {
            guard guidanceSharing.from.isFinite, (0...1).contains(guidanceSharing.from) else {
                throw GenerationError.invalidRequest("guidance sharing's start must be in [0, 1] of the schedule (got \(guidanceSharing.from))")
            }
        }
    }
}
