/// Which branch of classifier-free guidance a transformer forward computes.
public enum GuidanceBranch: Sendable, Equatable {
    case conditional
    case unconditional
}

/// What one transformer forward is part of, and who may act inside its blocks.
///
/// The transformer hands the same context to every block. A block consults its hooks at fixed
/// points: around the block (skip it, or record or substitute its residual: feature caching), and
/// inside its joint attention (an attention bias between the scores and the softmax: regional
/// prompting; the image keys and values after projection: attention injection). The plain context
/// has no hooks and costs the forward nothing.
public struct ForwardContext {
    /// 0-based sampling step, or nil outside a sampling run.
    public var step: Int?
    /// Noise level of the step.
    public var sigma: Float?
    /// The guidance branch of each batch item (empty when unknown).
    public var branches: [GuidanceBranch]
    public var hooks: (any TransformerBlockHooks)?

    public init(step: Int? = nil, sigma: Float? = nil, branches: [GuidanceBranch] = [],
                hooks: (any TransformerBlockHooks)? = nil) {
        self.step = step
        self.sigma = sigma
        self.branches = branches
        self.hooks = hooks
    }

    /// No hooks: the forward diffusers' model computes.
    public static var plain: ForwardContext { ForwardContext() }
}

/// The points inside a transformer forward where a regional layout, an edit or a cache may act.
/// Every method has a default that leaves the forward as it is, so a hook implements only what
/// it needs. Calls come from the thread running the forward.
public protocol TransformerBlockHooks: AnyObject {
    /// The attention bias of block `block`'s joint attention, or nil for plain attention. It must
    /// cover the forward's image and text tokens (image first).
    func attentionBias(block: Int, context: ForwardContext) -> AttentionBias?

    /// Called in block `block` once the joint attention's keys and values are projected (and
    /// q/k-normalised), before attending: the hook may read them (record) or overwrite them (inject).
    func keysAndValues(block: Int, context: ForwardContext, _ projected: JointKeysValues)

    /// Called once before the first block, with what a cache compares between steps (see
    /// `BlockStackInput`). The streams then hold the first block's input.
    func blocksWillRun(context: ForwardContext, input: BlockStackInput)

    /// Called before block `block`; return false to skip it (the hook then leaves `streams` as the
    /// block's output should be, e.g. by adding a cached residual).
    func blockWillRun(_ block: Int, context: ForwardContext, streams: BlockStreams) -> Bool

    /// Called after block `block` ran, with its output in `streams`.
    func blockDidRun(_ block: Int, context: ForwardContext, streams: BlockStreams)

    /// Called once after the last block (run or skipped), with the stack's output in `streams`.
    func blocksDidRun(context: ForwardContext, streams: BlockStreams)
}

extension TransformerBlockHooks {
    public func attentionBias(block: Int, context: ForwardContext) -> AttentionBias? { nil }
    public func keysAndValues(block: Int, context: ForwardContext, _ projected: JointKeysValues) {}
    public func blocksWillRun(context: ForwardContext, input: BlockStackInput) {}
    public func blockWillRun(_ block: Int, context: ForwardContext, streams: BlockStreams) -> Bool { true }
    public func blockDidRun(_ block: Int, context: ForwardContext, streams: BlockStreams) {}
    public func blocksDidRun(context: ForwardContext, streams: BlockStreams) {}
}

/// The projected `[q | k | v]` rows of one joint attention, valid only during the hook's call.
/// Each item's rows are its image tokens, then its text tokens.
public struct JointKeysValues {
    let packed: UnsafeMutablePointer<Float>
    public let items: Int
    public let imageTokens: Int
    public let contextTokens: Int
    /// Features of q, k and v each (heads × head size).
    public let width: Int

    /// Distance in floats between consecutive rows of keys (or values).
    public var rowStride: Int { 3 * width }

    /// The first image key row of `item` (`imageTokens` rows of `width`, `rowStride` apart).
    public func imageKeys(item: Int) -> UnsafeMutablePointer<Float> {
        packed + item * (imageTokens + contextTokens) * 3 * width + width
    }

    /// The first image value row of `item`.
    public func imageValues(item: Int) -> UnsafeMutablePointer<Float> {
        imageKeys(item: item) + width
    }
}

/// The token streams between blocks (`[items·tokens, dim]` each), valid only during the hook's call.
public struct BlockStreams {
    public let image: UnsafeMutablePointer<Float>
    public let context: UnsafeMutablePointer<Float>
    public let items: Int
    public let imageTokens: Int
    public let contextTokens: Int
    public let dimension: Int
}

/// The input of the block stack, valid only during `blocksWillRun`: its streams and, computed only
/// when asked for, the first block's timestep-modulated image input `LN(x)·(1 + scale) + shift`
/// (`[items·imageTokens, dim]`), whose change from step to step TeaCache takes as its estimate of
/// how much the whole stack's output changes.
public struct BlockStackInput {
    public let streams: BlockStreams
    private let modulate: () -> UnsafePointer<Float>?

    init(streams: BlockStreams, modulatedImage: @escaping () -> UnsafePointer<Float>?) {
        self.streams = streams
        self.modulate = modulatedImage
    }

    /// The first block's modulated image input (`streams.items · streams.imageTokens` rows of
    /// `streams.dimension`), or nil for a model without blocks. Each call computes it anew.
    public func modulatedImage() -> UnsafePointer<Float>? { modulate() }
}
