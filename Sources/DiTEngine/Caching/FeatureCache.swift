/// The feature caches of one run (see `CachePlan`): block hooks that skip the whole stack or a
/// block range and add a recorded residual instead, and the guidance sharing of late steps.
///
/// A run makes its own cache, so nothing recorded for one image (its size, prompt, noise) can reach
/// another. Residuals are kept per guidance branch, because the two branches of a step differ in
/// what the blocks add; a residual of another size than the forward's (another image size, or a
/// regional step's longer text) is never used, the forward computes instead.
///
/// Used by the run's thread only, like the run and the model.
public final class FeatureCache: TransformerBlockHooks, @unchecked Sendable {
    public let plan: CachePlan
    /// The schedule step the run starts at, and the schedule's length: these two ends always compute.
    public let firstStep: Int
    public let steps: Int
    /// The transformer's block count.
    public let layers: Int

    /// What the cache did so far, for reports and tests.
    public struct Statistics: Equatable, Sendable {
        /// Transformer forwards the cache was consulted on.
        public var forwards = 0
        /// Forwards that skipped every block (residual reuse).
        public var skippedStacks = 0
        /// Forwards that reused a block range's residual.
        public var reusedRanges = 0
        /// Blocks that ran.
        public var blocksRun = 0
        /// Model evaluations that ran the conditional branch alone (guidance sharing).
        public var sharedGuidance = 0

        public init() {}

        /// Adds `other`'s counts (totals over several runs).
        public mutating func add(_ other: Statistics) {
            forwards += other.forwards
            skippedStacks += other.skippedStacks
            reusedRanges += other.reusedRanges
            blocksRun += other.blocksRun
            sharedGuidance += other.sharedGuidance
        }
    }

    public private(set) var statistics = Statistics()

    // Residual reuse (TeaCache).
    private struct Evaluation: Equatable {
        let step: Int
        let sigma: Float?
    }
    private var evaluation: Evaluation?
    private var skipThisEvaluation = false
    private var accumulatedChange = 0.0
    private var consecutiveSkips = 0
    private var previousModulated: [GuidanceBranch: [Float]] = [:]
    private var stackResiduals: [GuidanceBranch: [Float]] = [:]

    // Block-range reuse (Δ-DiT).
    private struct RangeResidual {
        let range: Range<Int>
        let step: Int
        let image: [Float]
        let context: [Float]
    }
    private var rangeResiduals: [GuidanceBranch: RangeResidual] = [:]

    // Guidance sharing: the last `v_c − v_u`.
    private var guidanceDifference: Tensor?

    // The forward in progress.
    private struct ForwardPlan {
        var branches: [GuidanceBranch] = []
        var step = 0
        var skipStack = false
        var recordStack = false
        var reuse: Range<Int>?
        var record: Range<Int>?
    }
    private var current = ForwardPlan()
    private var stackInput: [Float] = []
    private var rangeImageInput: [Float] = []
    private var rangeContextInput: [Float] = []

    /// Steps before this one always compute every block (0: only the run's ends do).
    public let computedBefore: Int

    /// - Parameters: `firstStep` and `steps` as the run's; `layers` the transformer's block count;
    ///   `computedBefore`: steps before it always compute (a regional layout's steps with region
    ///   attention and the first step after them: a residual recorded under one step's regions
    ///   would otherwise stand in for the next one's, and objects drift out of their boxes).
    public init(plan: CachePlan, firstStep: Int, steps: Int, layers: Int, computedBefore: Int = 0) {
        precondition(steps >= 1 && (0..<steps).contains(firstStep) && layers >= 0,
                     "a cache needs a run's steps (\(firstStep) of \(steps)) and a block count (\(layers))")
        self.plan = plan
        self.firstStep = firstStep
        self.steps = steps
        self.layers = layers
        self.computedBefore = computedBefore
    }

    /// Whether `step` always computes every block: one of the run's two ends, or before `computedBefore`.
    func isEdge(_ step: Int) -> Bool { step == firstStep || step < computedBefore || step >= steps - 1 }

    // MARK: - Guidance

    /// The guided velocity of one model evaluation, every forward carrying this cache's hooks; from
    /// the plan's sharing step on, the conditional branch alone with the last guidance difference.
    public func velocity(guidance: ClassifierFreeGuidance, model: any VelocityModel, x: Tensor,
                         timestep: Float, step: Int, sigma: Float) throws -> Tensor {
        let cached = CachingModel(base: model, cache: self)
        guard let sharing = plan.guidanceSharing, guidance.branches == .both else {
            return try guidance.velocity(model: cached, x: x, timestep: timestep, step: step, sigma: sigma)
        }
        if step >= sharing.firstSharedStep(of: steps), let difference = guidanceDifference, difference.shape == x.shape {
            var v = try guidance.conditionalVelocity(model: cached, x: x, timestep: timestep, step: step, sigma: sigma)
            v.add(difference, scaledBy: guidance.scale - 1)
            statistics.sharedGuidance += 1
            return v
        }
        let (unconditional, conditional) = try guidance.bothBranches(model: cached, x: x, timestep: timestep,
                                                                    step: step, sigma: sigma)
        guidanceDifference = conditional - unconditional
        return ClassifierFreeGuidance.combine(unconditional: unconditional, conditional: conditional, scale: guidance.scale)
    }

    // MARK: - Block hooks

    public func blocksWillRun(context: ForwardContext, input: BlockStackInput) {
        current = ForwardPlan()
        let streams = input.streams
        guard let step = context.step, !context.branches.isEmpty, context.branches.count == streams.items else { return }
        current.branches = context.branches
        current.step = step
        statistics.forwards += 1
        let imageCount = streams.imageTokens * streams.dimension
        let contextCount = streams.contextTokens * streams.dimension

        if let reuse = plan.residualReuse {
            let change = modulatedChange(input, branches: context.branches)
            let key = Evaluation(step: step, sigma: context.sigma)
            if key != evaluation {
                evaluation = key
                decideSkip(change: change, step: step, reuse: reuse)
            }
            current.skipStack = skipThisEvaluation
                && context.branches.allSatisfy { stackResiduals[$0]?.count == imageCount }
            if current.skipStack {
                statistics.skippedStacks += 1
                return
            }
            current.recordStack = true
            stackInput = Array(UnsafeBufferPointer(start: streams.image, count: streams.items * imageCount))
        }

        if let blockReuse = plan.blockReuse, layers > 0 {
            let range = blockReuse.range(step: step, of: steps, layers: layers)
            let usable = !isEdge(step) && context.branches.allSatisfy { branch in
                guard let recorded = rangeResiduals[branch] else { return false }
                return recorded.range == range && step > recorded.step && step - recorded.step < blockReuse.interval
                    && recorded.image.count == imageCount && recorded.context.count == contextCount
            }
            if usable {
                current.reuse = range
                statistics.reusedRanges += 1
            } else {
                current.record = range
            }
        }
    }

    public func blockWillRun(_ block: Int, context: ForwardContext, streams: BlockStreams) -> Bool {
        if current.skipStack {
            if block == 0 { addResiduals(streams, image: { self.stackResiduals[$0]! }, context: nil) }
            return false
        }
        if let reuse = current.reuse, reuse.contains(block) {
            if block == reuse.lowerBound {
                addResiduals(streams, image: { self.rangeResiduals[$0]!.image }, context: { self.rangeResiduals[$0]!.context })
            }
            return false
        }
        if let record = current.record, block == record.lowerBound {
            rangeImageInput = Array(UnsafeBufferPointer(start: streams.image, count: streams.items * streams.imageTokens * streams.dimension))
            rangeContextInput = Array(UnsafeBufferPointer(start: streams.context, count: streams.items * streams.contextTokens * streams.dimension))
        }
        return true
    }

    public func blockDidRun(_ block: Int, context: ForwardContext, streams: BlockStreams) {
        guard !current.branches.isEmpty else { return }
        statistics.blocksRun += 1
        guard let record = current.record, block == record.upperBound - 1 else { return }
        let image = Self.residuals(output: streams.image, input: rangeImageInput, items: streams.items)
        let text = Self.residuals(output: streams.context, input: rangeContextInput, items: streams.items)
        for (item, branch) in current.branches.enumerated() {
            rangeResiduals[branch] = RangeResidual(range: record, step: current.step, image: image[item], context: text[item])
        }
    }

    public func blocksDidRun(context: ForwardContext, streams: BlockStreams) {
        guard current.recordStack else { return }
        let image = Self.residuals(output: streams.image, input: stackInput, items: streams.items)
        for (item, branch) in current.branches.enumerated() { stackResiduals[branch] = image[item] }
    }

    // MARK: - Residual reuse

    /// The relative L1 change `Σ|m − m_prev| / Σ|m_prev|` of the first block's modulated input over
    /// the forward's items (nil when a branch has no previous input), remembering this input.
    private func modulatedChange(_ input: BlockStackInput, branches: [GuidanceBranch]) -> Double? {
        guard let modulated = input.modulatedImage() else { return nil }
        let count = input.streams.imageTokens * input.streams.dimension
        var difference = 0.0, magnitude = 0.0, known = true
        for (item, branch) in branches.enumerated() {
            let rows = UnsafeBufferPointer(start: modulated + item * count, count: count)
            if let previous = previousModulated[branch], previous.count == count {
                var d: Float = 0, m: Float = 0
                for i in 0..<count {
                    d += abs(rows[i] - previous[i])
                    m += abs(previous[i])
                }
                difference += Double(d)
                magnitude += Double(m)
            } else {
                known = false
            }
            previousModulated[branch] = Array(rows)
        }
        return known && magnitude > 0 ? difference / magnitude : nil
    }

    /// TeaCache's rule: accumulate the change since the last computed evaluation; skip while it
    /// stays below the threshold, compute (and start again from 0) once it does not.
    private func decideSkip(change: Double?, step: Int, reuse: CachePlan.ResidualReuse) {
        guard let change, !isEdge(step) else {
            skipThisEvaluation = false
            accumulatedChange = 0
            consecutiveSkips = 0
            return
        }
        accumulatedChange += change
        if accumulatedChange < reuse.threshold && (reuse.maxSkips == 0 || consecutiveSkips < reuse.maxSkips) {
            skipThisEvaluation = true
            consecutiveSkips += 1
        } else {
            skipThisEvaluation = false
            accumulatedChange = 0
            consecutiveSkips = 0
        }
    }

    // MARK: - Residual arithmetic

    /// `output − input` of each item (`input` holds every item's rows, back to back).
    static func residuals(output: UnsafePointer<Float>, input: [Float], items: Int) -> [[Float]] {
        precondition(items > 0 && input.count % items == 0, "residual input of \(input.count) floats for \(items) items")
        let count = input.count / items
        return (0..<items).map { item in
            (0..<count).map { i in output[item * count + i] - input[item * count + i] }
        }
    }

    /// Adds each item's recorded residual (by its branch) to the streams, in place.
    private func addResiduals(_ streams: BlockStreams, image: (GuidanceBranch) -> [Float],
                              context: ((GuidanceBranch) -> [Float])?) {
        let imageCount = streams.imageTokens * streams.dimension
        let contextCount = streams.contextTokens * streams.dimension
        for (item, branch) in current.branches.enumerated() {
            image(branch).withUnsafeBufferPointer { residual in
                Kernels.add(streams.image + item * imageCount, residual.baseAddress!, count: imageCount)
            }
            if let context {
                context(branch).withUnsafeBufferPointer { residual in
                    Kernels.add(streams.context + item * contextCount, residual.baseAddress!, count: contextCount)
                }
            }
        }
    }
}
