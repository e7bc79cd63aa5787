/// Several hooks acting in one forward, e.g. a cache with a regional layout's attention bias or an
/// edit's injected keys and values. Each point asks them in order: the first attention bias that
/// is not nil wins, a block runs only if every hook lets it (the first that skips it decides, and
/// the hooks after it are not asked), and every hook sees every key/value, run and stack call.
public final class CompositeBlockHooks: TransformerBlockHooks {
    public let hooks: [any TransformerBlockHooks]

    public init(_ hooks: [any TransformerBlockHooks]) {
        self.hooks = hooks
    }

    public func attentionBias(block: Int, context: ForwardContext) -> AttentionBias? {
        for hook in hooks {
            if let bias = hook.attentionBias(block: block, context: context) { return bias }
        }
        return nil
    }

    public func keysAndValues(block: Int, context: ForwardContext, _ projected: JointKeysValues) {
        for hook in hooks { hook.keysAndValues(block: block, context: context, projected) }
    }

    public func blocksWillRun(context: ForwardContext, input: BlockStackInput) {
        for hook in hooks { hook.blocksWillRun(context: context, input: input) }
    }

    public func blockWillRun(_ block: Int, context: ForwardContext, streams: BlockStreams) -> Bool {
        for hook in hooks where !hook.blockWillRun(block, context: context, streams: streams) { return false }
        return true
    }

    public func blockDidRun(_ block: Int, context: ForwardContext, streams: BlockStreams) {
        for hook in hooks { hook.blockDidRun(block, context: context, streams: streams) }
    }

    public func blocksDidRun(context: ForwardContext, streams: BlockStreams) {
        for hook in hooks { hook.blocksDidRun(context: context, streams: streams) }
    }
}
