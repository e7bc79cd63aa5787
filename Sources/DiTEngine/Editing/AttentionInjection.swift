/// Stable Flow's attention-injection edit: a reference branch follows the source image's inverted
/// trajectory, an edit branch starts from the same inverted noise with the target prompt, and in
/// the model's *vital* blocks the edit branch's image keys and values are replaced by the reference
/// branch's (its queries and its text stay its own). The layout and identity of the source carry
/// over through those blocks while the prompt changes what it must.
///
/// As guidance conditioning: whenever guidance asks for a branch's conditioning at a step, the
/// reference forward for that branch and step runs first (its latent from the trajectory), with a
/// hook that records the vital blocks' image keys and values; the edit's conditioning carries a
/// hook that puts them in place. Each step costs two forwards per guidance branch.
public final class AttentionInjection: StepConditioning, @unchecked Sendable {
    private let model: any VelocityModel
    private let inversion: Inversion
    private let reference: (conditional: BranchConditioning, unconditional: BranchConditioning)
    private let edit: (conditional: BranchConditioning, unconditional: BranchConditioning)
    public let vitalBlocks: Set<Int>
    private var recorded: [Key: InjectedKeysValues] = [:]

    private struct Key: Hashable {
        let conditional: Bool
        let step: Int
    }

    /// - Parameters:
    ///   - reference: the source prompt's encoding (and the unconditional one) — the reference branch.
    ///   - edit: the target prompt's encoding (and the unconditional one) — the edit branch.
    public init(model: any VelocityModel, inversion: Inversion,
                reference: (conditional: TextConditioning, unconditional: TextConditioning),
                edit: (conditional: TextConditioning, unconditional: TextConditioning),
                vitalBlocks: Set<Int>) {
        self.model = model
        self.inversion = inversion
        self.reference = (BranchConditioning(context: reference.conditional.context, pooled: reference.conditional.pooled),
                          BranchConditioning(context: reference.unconditional.context, pooled: reference.unconditional.pooled))
        self.edit = (BranchConditioning(context: edit.conditional.context, pooled: edit.conditional.pooled),
                     BranchConditioning(context: edit.unconditional.context, pooled: edit.unconditional.pooled))
        self.vitalBlocks = vitalBlocks
    }

    public func conditioning(_ branch: GuidanceBranch, step: Int) -> BranchConditioning {
        let key = Key(conditional: branch == .conditional, step: step)
        let own = branch == .conditional ? edit.conditional : edit.unconditional
        if recorded[key] == nil {
            // Keep only this step's keys and values: earlier steps are never asked for again.
            recorded = recorded.filter { $0.key.step == step }
            let reference = branch == .conditional ? self.reference.conditional : self.reference.unconditional
            let recorder = InjectedKeysValues(blocks: vitalBlocks)
            let sigma = inversion.schedule.sigmas[step]
            // A failed reference forward leaves nothing recorded: the edit branch then runs plain.
            _ = try? model.velocity(x: inversion.trajectory[step], timesteps: [inversion.schedule.timestep(sigma: sigma)],
                                    context: reference.context, pooled: reference.pooled,
                                    forward: ForwardContext(step: step, sigma: sigma, branches: [branch], hooks: recorder))
            recorder.isRecording = false
            recorded[key] = recorder
        }
        return BranchConditioning(context: own.context, pooled: own.pooled, hooks: recorded[key])
    }
}

/// The image keys and values of some blocks of one forward: recorded from one forward, then put in
/// place of another's.
final class InjectedKeysValues: TransformerBlockHooks {
    let blocks: Set<Int>
    var isRecording = true
    private var keys: [Int: [Float]] = [:]
    private var values: [Int: [Float]] = [:]

    init(blocks: Set<Int>) {
        self.blocks = blocks
    }

    func keysAndValues(block: Int, context: ForwardContext, _ projected: JointKeysValues) {
        guard blocks.contains(block), projected.items == 1 else { return }
        let rows = projected.imageTokens, width = projected.width, stride = projected.rowStride
        let k = projected.imageKeys(item: 0), v = projected.imageValues(item: 0)
        if isRecording {
            var recordedKeys = [Float](repeating: 0, count: rows * width)
            var recordedValues = [Float](repeating: 0, count: rows * width)
            for row in 0..<rows {
                for j in 0..<width {
                    recordedKeys[row * width + j] = k[row * stride + j]
                    recordedValues[row * width + j] = v[row * stride + j]
                }
            }
            keys[block] = recordedKeys
            values[block] = recordedValues
        } else if let recordedKeys = keys[block], let recordedValues = values[block], recordedKeys.count == rows * width {
            for row in 0..<rows {
                for j in 0..<width {
                    k[row * stride + j] = recordedKeys[row * width + j]
                    v[row * stride + j] = recordedValues[row * width + j]
                }
            }
        }
    }
}
