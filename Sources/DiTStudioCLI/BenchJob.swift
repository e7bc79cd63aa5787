import DiTEngine
import Foundation
import StudioCore

/// One row of `dit-studio bench`'s jobs table: a job as the studio runs it, timed end to end in
/// this process and run once more as a `dit-studio` process of its own (for its peak memory).
///
/// `standard` lists the rows: plain text to image, a two-region layout and an inpaint, at the
/// model's defaults, then plain at each feature-caching level asked for. Rows for other settings
/// of the same jobs (a leaner forward) belong there too: a row is only a label, a request, an edit
/// and the same job's command-line arguments.
struct BenchJob {
    /// The table's first column.
    var label: String
    var request: GenerationRequest
    var edit: EditRequest?
    /// `dit-studio` arguments that run the same job; `BenchJob.outputPlaceholder` stands for the
    /// output file and `BenchJob.sourcePlaceholder` for the source image (an edit's).
    var arguments: [String]
    /// Whether `Benchmarks/pytorch_baseline.py` runs the same method (its figures then share the row).
    var hasPyTorchBaseline: Bool

    static let outputPlaceholder = "{out}"
    static let sourcePlaceholder = "{source}"

    /// The regenerated box of the inpaint row, in fractions of the image: the right half's middle.
    static let inpaintBox = (x0: 0.5, y0: 0.25, x1: 1.0, y1: 0.75)

    /// Plain, regional (two boxes, left and right) and inpaint (`inpaintBox` of `source`, the plain
    /// row's image) for `base`, whose prompt, seed, steps, guidance, shift and size every row shares.
    /// Regional settings a layout leaves open come from the model's `regional` defaults. Each of
    /// `cached` (a level and the model's plan for it) adds the plain row at that level.
    static func standard(base: GenerationRequest, model: URL, regional: RegionalDefaults, source: [UInt8],
                         cached: [(level: CachingLevel, plan: CachePlan?)] = []) -> [BenchJob] {
        let common = ["--model", model.path, "--seed", String(base.seed), "--steps", String(base.steps),
                      "--cfg", String(base.guidanceScale), "--out", outputPlaceholder, "--overwrite"]
        let size = "\(base.width)x\(base.height)"
        let plain = BenchJob(label: "plain", request: base, edit: nil,
                             arguments: ["generate", base.prompt, "--shift", String(base.shift), "--size", size] + common,
                             hasPyTorchBaseline: true)

        var regionalRequest = base
        let regions = [(box: (0.0, 0.0, 0.5, 1.0), prompt: "a large red circle"), (box: (0.5, 0.0, 1.0, 1.0), prompt: "a large blue square")]
        regionalRequest.prompt = "a large red circle and a large blue square"
        regionalRequest.regional = RegionalPrompt(
            regions: regions.map { .init(area: .box(x0: $0.box.0, y0: $0.box.1, x1: $0.box.2, y1: $0.box.3), prompt: $0.prompt) },
            injectSteps: regional.injectSteps, blockInterval: regional.blockInterval, emphasis: regional.regionEmphasis)
        let regionalArguments = ["generate", regionalRequest.prompt, "--shift", String(base.shift), "--size", size]
            + regions.flatMap { ["--region", "\($0.box.0),\($0.box.1),\($0.box.2),\($0.box.3):\($0.prompt)"] } + common
        let twoRegions = BenchJob(label: "regional (2 regions)", request: regionalRequest, edit: nil,
                                  arguments: regionalArguments, hasPyTorchBaseline: false)

        let box = inpaintBox
        let mask = RegionMask(width: base.width, height: base.height, values: (0..<(base.width * base.height)).map { index in
            let x = (Double(index % base.width) + 0.5) / Double(base.width)
            let y = (Double(index / base.width) + 0.5) / Double(base.height)
            return x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1 ? 255 : 0
        })
        var inpaintRequest = base
        inpaintRequest.prompt = "a large blue square"
        let inpaint = BenchJob(label: "inpaint (strength 1)", request: inpaintRequest,
                               edit: EditRequest(mode: .inpaint(mask: mask, strength: 1, feather: 0), source: source),
                               arguments: ["edit", "--mode", "inpaint", "--image", sourcePlaceholder, "--prompt", inpaintRequest.prompt,
                                           "--mask-box", "\(box.x0),\(box.y0),\(box.x1),\(box.y1)", "--strength", "1"] + common,
                               hasPyTorchBaseline: false)
        return [plain, twoRegions, inpaint] + cached.map { plain.cached($0.level, plan: $0.plan) }
    }

    /// This job at a feature-caching level: `plan` in the request, `--cache level` on the command line.
    func cached(_ level: CachingLevel, plan: CachePlan?) -> BenchJob {
        var job = self
        job.label = "\(label), cache \(level)"
        job.request.cache = plan
        job.arguments += ["--cache", level.rawValue]
        job.hasPyTorchBaseline = false
        return job
    }
}
