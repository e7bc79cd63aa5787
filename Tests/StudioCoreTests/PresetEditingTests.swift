import DiTEngine
import Foundation
import XCTest
@testable import StudioCore

/// Presets that script editing sessions and layouts: what the loader reads and refuses, how a plan
/// fills prompts, and how the runner hands each edit the previous result.
final class PresetEditingTests: XCTestCase {
    private let loader = PresetLoader(capabilities: DiTGenerationEngine.capabilities)

    private func load(_ text: String) throws -> Preset {
        try loader.load(text: "[settings]\nprompt = \"a large red circle at the left on a white background\"\n" + text,
                        file: "edit.toml", source: .user(path: "edit.toml")).0
    }

    private func refusal(_ text: String) -> String {
        do { _ = try load(text); return "accepted" } catch { return "\(error)" }
    }

    func testEditingOperationsReadTheirSettings() throws {
        let preset = try load("""
            [[operations]]
            op = "generate"
            [[operations]]
            op = "inpaint"
            boxes = [[0.5, 0, 1, 0.5], [0, 0.5, 0.5, 1]]
            prompt = "a small blue square at the top right"
            feather = 2
            [[operations]]
            op = "inject"
            prompt = "{prompt}, recoloured"
            [[operations]]
            op = "variation"
            count = 3
            [[operations]]
            op = "img2img"
            strength = 0.4
            """)
        XCTAssertEqual(preset.operations.map(\.kind), [.generate, .inpaint, .inject, .variation, .img2img])
        XCTAssertEqual(preset.operations[1].job, .edit(.inpaint(source: ImageReference(path: ""),
                                                                boxes: [RegionBox(x0: 0.5, y0: 0, x1: 1, y1: 0.5), RegionBox(x0: 0, y0: 0.5, x1: 0.5, y1: 1)],
                                                                strength: 1, feather: 2)))
        XCTAssertEqual(preset.operations[3].job, .edit(.variation(source: ImageReference(path: ""), strength: 0.35)))
        XCTAssertEqual(preset.operations[4].job, .edit(.img2img(source: ImageReference(path: ""), strength: 0.4)))
        XCTAssertEqual(preset.jobCount, 1 + 1 + 1 + 3 + 1)
    }

    func testPlansFillPromptsFromTheRunAndThePreviousStep() throws {
        let preset = try load("""
            [[operations]]
            op = "generate"
            [[operations]]
            op = "inject"
            prompt = "a large green circle at the left on a white background"
            [[operations]]
            op = "variation"
            [[operations]]
            op = "regional"
            prompt = "{prompt} again"
            [[operations.region]]
            box = [0, 0, 0.5, 1]
            prompt = "a large red circle"
            """)
        var generator = SeededGenerator(seed: 1)
        let plan = try preset.plan(prompt: nil, seed: 10, using: &generator)
        XCTAssertEqual(plan.steps.map(\.editsPreviousResult), [false, true, true, false])
        XCTAssertFalse(plan.needsStartingImage)
        let inject = plan.steps[1].requests[0]
        XCTAssertEqual(inject.kind, .edit(.inject(source: ImageReference(path: ""),
                                                  sourcePrompt: "a large red circle at the left on a white background",
                                                  targetPrompt: "a large green circle at the left on a white background")))
        // A variation keeps what its source shows: the injected prompt.
        XCTAssertEqual(plan.steps[2].requests[0].parameters.prompt, "a large green circle at the left on a white background")
        guard case let .regional(layout) = plan.steps[3].requests[0].kind else { return XCTFail("regional") }
        XCTAssertEqual(layout.basePrompt, "a large red circle at the left on a white background again")

        // From a given image the drawing operations before the first edit are left out, and an
        // injection's source prompt is the image's own.
        let fromImage = try preset.plan(prompt: nil, seed: 10, sourcePrompt: "a large red square", fromImage: true, using: &generator)
        XCTAssertEqual(fromImage.steps.map(\.operation), [2, 3, 4])
        XCTAssertTrue(fromImage.needsStartingImage)
        guard case let .edit(.inject(_, from, _)) = fromImage.steps[0].requests[0].kind else { return XCTFail("inject") }
        XCTAssertEqual(from, "a large red square")
    }

    /// A regional operation's region may be a mask PNG beside the preset file; the plan's layout names
    /// it by its absolute path and its bounding box, and a mask that is not a PNG names the key.
    func testARegionalOperationTakesAMaskBesideThePresetFile() throws {
        let directory = try makeTemporaryDirectory(for: self)
        var pixels = [UInt8](repeating: 0, count: 8 * 8 * 3)
        for y in 2..<6 { for x in 4..<8 { for c in 0..<3 { pixels[(y * 8 + x) * 3 + c] = 255 } } }
        try PNGFile.write(RGBImage(width: 8, height: 8, pixels: pixels), to: directory.appendingPathComponent("right.png"))
        try Data("not a png".utf8).write(to: directory.appendingPathComponent("fake.png"))
        func preset(mask: String) -> URL {
            let url = directory.appendingPathComponent("masked-\(mask).toml")
            try? Data("""
                [settings]
                prompt = "two shapes"
                [[operations]]
                op = "regional"
                region_emphasis = 3
                [[operations.region]]
                mask = "\(mask)"
                prompt = "a large red circle"
                """.utf8).write(to: url)
            return url
        }
        let loaded = try loader.load(contentsOf: preset(mask: "right.png"), source: .user(path: "masked.toml")).0
        var generator = SeededGenerator(seed: 1)
        guard case let .regional(layout) = try loaded.plan(prompt: nil, seed: 1, using: &generator).steps[0].requests[0].kind else {
            return XCTFail("regional")
        }
        XCTAssertEqual(layout.regions[0].mask, directory.appendingPathComponent("right.png").path)
        XCTAssertEqual(layout.regions[0].box, RegionBox(x0: 0.5, y0: 0.25, x1: 1, y1: 0.75))
        XCTAssertEqual(layout.regionEmphasis, 3)
        XCTAssertThrowsError(try loader.load(contentsOf: preset(mask: "fake.png"), source: .user(path: "masked.toml"))) { error in
            XCTAssertTrue("\(error)".contains("key 'operations.1.region.1.mask'"), "\(error)")
        }
    }

    func testBadEditingOperationsNameTheKey() {
        XCTAssertEqual(refusal("[[operations]]\nop = \"inpaint\"\nprompt = \"x\""),
                       "edit.toml: key 'operations.1.boxes' is missing: an inpaint lists the boxes to regenerate: boxes = [[x0, y0, x1, y1]]")
        XCTAssertEqual(refusal("[[operations]]\nop = \"inpaint\"\nboxes = [[0, 0, 1, 1]]"),
                       "edit.toml: key 'operations.1.prompt' is missing: an inpaint says what to draw in its boxes")
        XCTAssertEqual(refusal("[[operations]]\nop = \"img2img\"\nstrength = 0"),
                       "edit.toml:5: key 'operations.1.strength': must be in (0, 1] (got 0.0)")
        XCTAssertEqual(refusal("[[operations]]\nop = \"inject\""),
                       "edit.toml: key 'operations.1.prompt' is missing: an injection edit says what the result should show")
        XCTAssertEqual(refusal("[[operations]]\nop = \"regional\""),
                       "edit.toml: key 'operations.1.region' is missing: a regional operation has [[operations.region]] tables with a box (or mask) and a prompt")
        XCTAssertTrue(refusal("[[operations]]\nop = \"inpaint\"\nprompt = \"x\"\nboxes = [[0, 0, 2, 1]]").contains("goes outside the image"))
        XCTAssertTrue(refusal("[[operations]]\nop = \"inpaint\"\nprompt = \"x\"\nboxes = [\"a\"]").contains("each box is [x0, y0, x1, y1]"))
        XCTAssertTrue(refusal("[[operations]]\nop = \"variation\"\nparameter = \"steps\"").contains("only a sweep has 'parameter'"))
    }

    /// The runner hands each edit the previous step's first image (a fake engine: it only checks
    /// the jobs the session receives).
    func testTheRunnerChainsEditsOnThePreviousResult() throws {
        let fixture = try StudioFixture(testCase: self, capabilities: DiTGenerationEngine.capabilities)
        let session = try fixture.createSession()
        defer { session.close() }
        let preset = try load("""
            [settings]
            steps = 2
            [[operations]]
            op = "generate"
            [[operations]]
            op = "img2img"
            [[operations]]
            op = "variation"
            count = 2
            """.replacingOccurrences(of: "[settings]\nsteps = 2\n", with: ""))
        var generator = SeededGenerator(seed: 2)
        let plan = try preset.plan(prompt: nil, seed: 1, overrides: { var p = SettingsPatch(); p.steps = 2; return p }(), using: &generator)
        let report = try PresetRunner(session: session).run(plan, timeout: 60)
        XCTAssertTrue(report.succeeded, "\(report.failures)")
        XCTAssertEqual(report.outputs.count, 4)
        let jobs = report.jobs.compactMap { session.queue[$0] }
        guard case let .edit(img2img) = jobs[1].kind, case let .edit(variation) = jobs[2].kind, case let .edit(second) = jobs[3].kind else {
            return XCTFail("\(jobs.map(\.kind))")
        }
        XCTAssertEqual(img2img.source.jobID, jobs[0].id, "the img2img edits the generated image")
        XCTAssertEqual(img2img.source.path, session.imageURL(of: jobs[0].id)?.path)
        XCTAssertEqual(variation.source.jobID, jobs[1].id, "the variations edit the img2img result")
        XCTAssertEqual(second.source.jobID, jobs[1].id)
        XCTAssertEqual(jobs[2].parameters.seed &+ 1, jobs[3].parameters.seed, "variations over consecutive seeds")
    }

    func testAnEditingScriptWithNoImageToStartFromIsRefused() throws {
        let fixture = try StudioFixture(testCase: self, capabilities: DiTGenerationEngine.capabilities)
        let session = try fixture.createSession()
        defer { session.close() }
        let preset = try load("[[operations]]\nop = \"img2img\"")
        var generator = SeededGenerator(seed: 2)
        let plan = try preset.plan(prompt: nil, using: &generator)
        XCTAssertThrowsError(try PresetRunner(session: session).run(plan, timeout: 10)) { error in
            XCTAssertEqual("\(error)", "preset 'edit', operation 1 edits an image, but no earlier operation makes one: give one with --image IN.png")
        }
    }
}
