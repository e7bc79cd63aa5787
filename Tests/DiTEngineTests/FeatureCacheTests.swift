import Foundation
import XCTest
@testable import DiTEngine

/// Feature caching: the residual, block-range and guidance caches on synthetic streams (exact
/// values) and through the pipeline on the small reference models (which steps compute, which
/// blocks run, that runs do not share caches, that regional and inpaint runs work with a cache).
final class FeatureCacheTests: XCTestCase {
    private func pipeline(_ name: String = "sd3_basic") throws -> GenerationPipeline {
        try GenerationPipeline(model: DiffusionModel(directory: ReferenceCase.root.appendingPathComponent(name)))
    }

    private func request(_ p: GenerationPipeline, steps: Int = 6, cache: CachePlan? = nil) -> GenerationRequest {
        let side = 2 * p.geometry.pixelMultiple
        return GenerationRequest(prompt: "a red circle", seed: 3, steps: steps, guidanceScale: 3, shift: 1,
                                 width: side, height: side, cache: cache)
    }

    private func bits(_ tensor: Tensor) -> [UInt32] { tensor.scalars.map(\.bitPattern) }

    /// Counts the blocks that run per step and records each forward's branches; composed after the
    /// run's cache, it sees only what the cache let through.
    final class CountingModel: VelocityModel, TransformerBlockHooks {
        let base: any VelocityModel
        var blocksRun: [Int: Int] = [:]
        var branches: [Int: [[GuidanceBranch]]] = [:]

        init(base: any VelocityModel) { self.base = base }

        func velocity(x: Tensor, timesteps: [Float], context: Tensor, pooled: Tensor, forward: ForwardContext) throws -> Tensor {
            var forward = forward
            forward.hooks = forward.hooks.map { CompositeBlockHooks([$0, self]) } ?? self
            branches[forward.step ?? -1, default: []].append(forward.branches)
            return try base.velocity(x: x, timesteps: timesteps, context: context, pooled: pooled, forward: forward)
        }

        func blockDidRun(_ block: Int, context: ForwardContext, streams: BlockStreams) {
            blocksRun[context.step ?? -1, default: 0] += 1
        }

        func perStep(_ steps: Range<Int>) -> [Int] { steps.map { blocksRun[$0] ?? 0 } }
    }

    /// A run of `request` through a counting model, with a cache made for it.
    private func countedRun(_ p: GenerationPipeline, _ request: GenerationRequest, edit: EditRequest? = nil)
        throws -> (run: GenerationRun, counter: CountingModel) {
        let prepared = try p.prepare(request, edit: edit)
        let counter = CountingModel(base: p.model.transformer)
        let template = prepared.run
        let run = GenerationRun(model: counter, guidance: template.guidance, noise: template.sample,
                                schedule: template.schedule, sampler: template.sampler, firstStep: template.firstStep,
                                cache: p.makeCache(request, firstStep: template.firstStep))
        try run.run()
        return (run, counter)
    }

    // MARK: - Off is the plain run

    /// No plan, an empty plan, and a residual cache whose threshold never lets a step be skipped all
    /// give the plain run's sample bit for bit: the cache's hooks (and the modulated input they
    /// read) change nothing while they skip nothing.
    func testCacheOffAndANeverSkippingCacheAreThePlainRun() throws {
        let p = try pipeline()
        let plain = try XCTUnwrap(p.generate(request(p))).sample
        XCTAssertNil(try p.prepare(request(p, cache: CachePlan())).run.cache, "an empty plan makes no cache")
        XCTAssertEqual(bits(try XCTUnwrap(p.generate(request(p, cache: CachePlan()))).sample), bits(plain))
        let never = CachePlan(residualReuse: .init(threshold: 0))
        let (run, counter) = try countedRun(p, request(p, cache: never))
        XCTAssertEqual(bits(run.sample), bits(plain))
        XCTAssertEqual(counter.perStep(0..<6), Array(repeating: 2, count: 6), "every step runs both blocks (one batched forward)")
        XCTAssertEqual(run.cache?.statistics.skippedStacks, 0)
    }

    // MARK: - Residual reuse

    /// With a threshold no change reaches, every step between the first and the last skips the
    /// stack; those two compute every block.
    func testResidualReuseComputesTheFirstAndLastSteps() throws {
        let p = try pipeline()
        let (run, counter) = try countedRun(p, request(p, cache: CachePlan(residualReuse: .init(threshold: 1e9))))
        XCTAssertEqual(counter.perStep(0..<6), [2, 0, 0, 0, 0, 2])
        XCTAssertEqual(run.cache?.statistics.skippedStacks, 4)
        XCTAssertTrue(run.sample.isFinite)
        let plain = try XCTUnwrap(p.generate(request(p))).sample
        XCTAssertNotEqual(bits(run.sample), bits(plain), "skipped steps change the result")
    }

    /// `max_skips` bounds the skips in a row: with 2, the pattern is compute, skip, skip, compute…
    func testMaxSkipsForcesAComputedStep() throws {
        let p = try pipeline()
        let (_, counter) = try countedRun(p, request(p, steps: 8, cache: CachePlan(residualReuse: .init(threshold: 1e9, maxSkips: 2))))
        XCTAssertEqual(counter.perStep(0..<8), [2, 0, 0, 2, 0, 0, 2, 2])
    }

    /// The synthetic streams of a two-block model: what a skipped forward leaves is exactly the
    /// input plus the residual recorded for its branch (`output − input` of the last computed one).
    func testASkippedForwardAddsExactlyTheRecordedResidualOfItsBranch() {
        let cache = FeatureCache(plan: CachePlan(residualReuse: .init(threshold: 1e9)), firstStep: 0, steps: 5, layers: 2)
        let (tokens, dim) = (2, 3), count = 2 * 3
        let image = UnsafeMutablePointer<Float>.allocate(capacity: 2 * count)
        let text = UnsafeMutablePointer<Float>.allocate(capacity: 2 * 4 * dim)
        let modulated = UnsafeMutablePointer<Float>.allocate(capacity: 2 * count)
        text.initialize(repeating: 0, count: 2 * 4 * dim)
        modulated.initialize(repeating: 1, count: 2 * count)
        defer { image.deallocate(); text.deallocate(); modulated.deallocate() }
        func forward(step: Int, branches: [GuidanceBranch], input: [Float], blocks: ([Float]) -> [Float]) -> (ran: Bool, image: [Float]) {
            let items = branches.count
            for i in 0..<(items * count) { image[i] = input[i] }
            let streams = BlockStreams(image: image, context: text, items: items, imageTokens: tokens, contextTokens: 4, dimension: dim)
            let context = ForwardContext(step: step, sigma: 1 - Float(step) / 5, branches: branches, hooks: cache)
            cache.blocksWillRun(context: context, input: BlockStackInput(streams: streams) { UnsafePointer(modulated) })
            var ran = false
            for block in 0..<2 where cache.blockWillRun(block, context: context, streams: streams) {
                ran = true
                if block == 1 {
                    let output = blocks(Array(UnsafeBufferPointer(start: image, count: items * count)))
                    for i in output.indices { image[i] = output[i] }
                }
                cache.blockDidRun(block, context: context, streams: streams)
            }
            cache.blocksDidRun(context: context, streams: streams)
            return (ran, Array(UnsafeBufferPointer(start: image, count: items * count)))
        }
        // Step 0 computes both branches: unconditional items gain 0.5, conditional ones ×3.
        let a: [Float] = (0..<(2 * count)).map { Float($0) * 0.37 - 1.1 }
        let first = forward(step: 0, branches: [.unconditional, .conditional], input: a) { x in
            x.enumerated().map { $0.offset < count ? $0.element + 0.5 : $0.element * 3 }
        }
        XCTAssertTrue(first.ran)
        let residual = zip(first.image, a).map { $0 - $1 }
        // Step 1: another input, a slightly changed modulated input: skipped, residuals added per branch.
        modulated[0] = 1.01
        let c: [Float] = (0..<(2 * count)).map { Float($0) * -0.21 + 0.3 }
        let second = forward(step: 1, branches: [.unconditional, .conditional], input: c) { _ in
            XCTFail("a skipped forward runs no block"); return []
        }
        XCTAssertFalse(second.ran)
        XCTAssertEqual(second.image.map(\.bitPattern), zip(c, residual).map { ($0 + $1).bitPattern })
        // Step 2, the conditional branch alone: the conditional residual, not the unconditional one.
        let d: [Float] = (0..<count).map { Float($0) * 0.9 }
        let third = forward(step: 2, branches: [.conditional], input: d) { _ in XCTFail("skipped"); return [] }
        XCTAssertEqual(third.image.map(\.bitPattern), zip(d, residual[count...]).map { ($0 + $1).bitPattern })
        // Step 4, the last, computes.
        XCTAssertTrue(forward(step: 4, branches: [.unconditional, .conditional], input: a) { $0 }.ran)
        XCTAssertEqual(cache.statistics.skippedStacks, 2)
    }

    // MARK: - Block-range reuse

    /// One block of two, reused for one step after each computed one: rear block (1) before the
    /// switch at half the schedule, front block (0) after. Per step: 0 edge → 2; 1 reuses the rear
    /// range recorded at 0 → 1; 2 is 2 steps on, computes and records → 2; 3 switches to the front
    /// range, nothing recorded for it → 2; 4 reuses it → 1; 5 edge → 2.
    func testBlockReuseFollowsTheDeltaDiTSchedule() throws {
        let p = try pipeline()
        let plan = CachePlan(blockReuse: .init(blocks: 1, interval: 2, switchAt: 0.5))
        let (run, counter) = try countedRun(p, request(p, cache: plan))
        XCTAssertEqual(counter.perStep(0..<6), [2, 1, 2, 2, 1, 2])
        XCTAssertEqual(run.cache?.statistics.reusedRanges, 2)
        XCTAssertTrue(run.sample.isFinite)
    }

    // MARK: - Guidance sharing

    /// From half the schedule on, only the conditional branch runs, and the velocity is
    /// `v_c + (g − 1)·(v_c − v_u)` with the difference of the last step that ran both.
    func testGuidanceSharingRunsTheConditionalBranchWithTheLastDifference() throws {
        let p = try pipeline()
        let r = request(p, steps: 4, cache: CachePlan(guidanceSharing: .init(from: 0.5)))
        let (run, counter) = try countedRun(p, r)
        XCTAssertEqual(counter.branches[1], [[.unconditional, .conditional]])
        XCTAssertEqual(counter.branches[2], [[.conditional]])
        XCTAssertEqual(counter.branches[3], [[.conditional]])
        XCTAssertEqual(run.cache?.statistics.sharedGuidance, 2)

        // The velocity itself, against separate plain forwards.
        let guidance = run.guidance, model = p.model.transformer, schedule = run.schedule
        let cache = try XCTUnwrap(p.makeCache(r, firstStep: 0))
        let x1 = Tensor(shape: run.sample.shape, values: (0..<run.sample.count).map { sin(Float($0)) })
        let x2 = Tensor(shape: run.sample.shape, values: (0..<run.sample.count).map { cos(Float($0)) })
        func branch(_ item: Int, _ x: Tensor, _ step: Int) throws -> Tensor {
            try model.forward(x: x, timesteps: [schedule.timestep(sigma: schedule.sigmas[step])],
                              context: guidance.context.slice(item..<(item + 1)), pooled: guidance.pooled.slice(item..<(item + 1)))
        }
        _ = try cache.velocity(guidance: guidance, model: model, x: x1, timestep: schedule.timestep(sigma: schedule.sigmas[1]),
                               step: 1, sigma: schedule.sigmas[1])
        let shared = try cache.velocity(guidance: guidance, model: model, x: x2, timestep: schedule.timestep(sigma: schedule.sigmas[2]),
                                        step: 2, sigma: schedule.sigmas[2])
        var expected = try branch(1, x2, 2)
        expected.add(try branch(1, x1, 1) - branch(0, x1, 1), scaledBy: guidance.scale - 1)
        XCTAssertLessThanOrEqual(shared.maxAbsDifference(expected), 1e-5)
    }

    // MARK: - Runs do not share caches

    /// A cache belongs to its run: the same request gives the same sample before and after runs of
    /// another seed and another size.
    func testCachesResetBetweenRunsAndSizes() throws {
        let p = try pipeline()
        let plan = CachePlan(residualReuse: .init(threshold: 0.5), blockReuse: .init(blocks: 1, interval: 2),
                             guidanceSharing: .init(from: 0.7))
        let first = try XCTUnwrap(p.generate(request(p, cache: plan))).sample
        var other = request(p, cache: plan)
        other.seed = 11
        _ = try p.generate(other)
        other.width = p.geometry.pixelMultiple
        other.height = p.geometry.pixelMultiple
        XCTAssertNotNil(try p.generate(other))
        XCTAssertEqual(bits(try XCTUnwrap(p.generate(request(p, cache: plan))).sample), bits(first))
        XCTAssertFalse(try p.prepare(request(p, cache: plan)).run.cache === p.prepare(request(p, cache: plan)).run.cache)
    }

    func testOutOfRangePlansAreRefusedWithTheSettingNamed() throws {
        let p = try pipeline()
        let cases: [(CachePlan, String)] = [
            (CachePlan(residualReuse: .init(threshold: -1)), "threshold must be a number ≥ 0"),
            (CachePlan(residualReuse: .init(threshold: .nan)), "threshold must be a number ≥ 0"),
            (CachePlan(blockReuse: .init(blocks: 0, interval: 2)), "block count must be at least 1"),
            (CachePlan(blockReuse: .init(blocks: 1, interval: 0)), "interval must be at least 1"),
            (CachePlan(blockReuse: .init(blocks: 1, interval: 2, switchAt: 2)), "switch point must be in [0, 1]"),
            (CachePlan(guidanceSharing: .init(from: -0.1)), "guidance sharing's start must be in [0, 1]"),
        ]
        for (plan, reason) in cases {
            XCTAssertThrowsError(try p.prepare(request(p, cache: plan))) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(error)")
            }
        }
    }

    // MARK: - Every mode

    /// The distance between two samples, relative to the plain one's size.
    private func relativeDistance(_ a: Tensor, _ b: Tensor) -> Float {
        let difference = a - b
        return sqrt(difference.scalars.map { $0 * $0 }.reduce(0, +)) / sqrt(b.scalars.map { $0 * $0 }.reduce(0, +))
    }

    /// Two side-by-side boxes, the layout the regional tests cache.
    private let twoRegions = [RegionalPrompt.Region(area: .box(x0: 0, y0: 0, x1: 0.5, y1: 1), prompt: "a small blue square"),
                              RegionalPrompt.Region(area: .box(x0: 0.5, y0: 0, x1: 1, y1: 1), prompt: "a large green triangle")]

    /// A regional run (the layout's attention bias combined with the cache's hooks) with caching:
    /// finite, the cache acted, and the result is nearer the plain regional sample than another
    /// seed's is.
    func testRegionalRunsWithACacheAndStaysNearThePlainRegionalRun() throws {
        let p = try pipeline("latent_vae_a")
        var r = request(p, steps: 8)
        r.regional = RegionalPrompt(regions: twoRegions, injectSteps: 4)
        let plain = try XCTUnwrap(p.generate(r)).sample
        var otherSeed = r
        otherSeed.seed = 4
        let seedDistance = relativeDistance(try XCTUnwrap(p.generate(otherSeed)).sample, plain)
        r.cache = CachePlan(residualReuse: .init(threshold: 0.3), blockReuse: .init(blocks: 1, interval: 2))
        let (run, counter) = try countedRun(p, r)
        XCTAssertTrue(run.sample.isFinite)
        let statistics = try XCTUnwrap(run.cache?.statistics)
        XCTAssertGreaterThan(statistics.skippedStacks + statistics.reusedRanges, 0, "the cache acted")
        XCTAssertEqual(counter.branches[0]?.count, 2, "regional steps run each branch as its own forward")
        let distance = relativeDistance(run.sample, plain)
        XCTAssertGreaterThan(distance, 0)
        XCTAssertLessThan(distance, 0.5 * seedDistance, "cached \(distance) vs another seed \(seedDistance)")
    }

    /// A regional layout's region-attention steps and the first step after them always compute,
    /// whatever the threshold: residuals recorded under one step's regions do not stand in for the
    /// next (measured on the shipped model, skipping them cost placement 7 points).
    func testRegionalStepsAlwaysComputeUnderACache() throws {
        let p = try pipeline("latent_vae_a")
        var r = request(p, steps: 10)
        r.regional = RegionalPrompt(regions: twoRegions, injectSteps: 3)
        r.cache = CachePlan(residualReuse: .init(threshold: 1e9))
        let (run, counter) = try countedRun(p, r)
        let computed = counter.perStep(0..<10).map { $0 > 0 }
        XCTAssertEqual(computed, [true, true, true, true] + Array(repeating: false, count: 5) + [true],
                       "steps 0–2 (regions), 3 (first plain step) and the last compute: \(counter.perStep(0..<10))")
        XCTAssertEqual(run.cache?.computedBefore, 4)
    }

    /// An inpaint starts mid-schedule: its first step (not step 0) computes every block (counted with
    /// a threshold that skips every other step); with a working threshold the known area stays the
    /// source's and the result stays near the plain inpaint.
    func testInpaintWithACacheComputesItsOwnFirstStepAndKeepsTheKnownArea() throws {
        let p = try pipeline("latent_vae_a")
        var r = request(p, steps: 10)
        var sourceRequest = r
        sourceRequest.prompt = "a small blue square"
        let source = try XCTUnwrap(p.generate(sourceRequest)).pixels
        var values = [UInt8](repeating: 0, count: r.width * r.height)
        for y in 0..<(r.height / 2) { for x in 0..<(r.width / 2) { values[y * r.width + x] = 1 } }
        let edit = EditRequest(mode: .inpaint(mask: RegionMask(width: r.width, height: r.height, values: values),
                                              strength: 0.6, feather: 0), source: source)
        let plain = try XCTUnwrap(p.generate(r, edit: edit))
        r.cache = CachePlan(residualReuse: .init(threshold: 1e9))
        let (run, counter) = try countedRun(p, r, edit: edit)
        let layers = p.model.transformer.config.numLayers
        let first = run.firstStep
        XCTAssertGreaterThan(first, 0)
        XCTAssertEqual(counter.perStep(first..<10), [layers] + Array(repeating: 0, count: 10 - first - 2) + [layers])
        r.cache = CachePlan(residualReuse: .init(threshold: 0.3))
        let cached = try XCTUnwrap(p.generate(r, edit: edit))
        for pixel in 0..<(r.width * r.height) where values[pixel] == 0 {
            XCTAssertEqual(cached.pixels[(3 * pixel)..<(3 * pixel + 3)], source[(3 * pixel)..<(3 * pixel + 3)])
        }
        let distance = relativeDistance(cached.sample, plain.sample)
        XCTAssertGreaterThan(distance, 0)
        XCTAssertLessThan(distance, 0.5)
    }
}
