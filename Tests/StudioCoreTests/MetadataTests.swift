import Foundation
import XCTest
@testable import StudioCore

/// The two PNG text chunks: A1111's `parameters` (written, and read from other tools' files) and
/// our `dit-studio` JSON record, through real PNG files; the stable JSON of jobs.
final class MetadataTests: XCTestCase {
    private let model = ModelDescription(name: "shapes-mmdit", path: "/opt/dit-studio/Models/shapes-mmdit",
                                         fingerprint: "a1b2c3d4", sizeMultiple: 16, maxSide: 128)

    private var parameters: GenerateParameters {
        GenerateParameters(prompt: "a large red circle at the top left", negativePrompt: "blurry", seed: 1234, steps: 20,
                           guidance: 4, shift: 1, sampler: .euler, rng: .torch, width: 64, height: 64)
    }

    func testParametersChunkIsWrittenTheWayA1111WritesIt() {
        let text = A1111Parameters(kind: .generate, parameters: parameters, model: model).text
        XCTAssertEqual(text, """
            a large red circle at the top left
            Negative prompt: blurry
            Steps: 20, Sampler: Euler, CFG scale: 4, Seed: 1234, Size: 64x64, Model hash: a1b2c3d4, Model: shapes-mmdit, \
            Shift: 1, RNG: torch, Version: dit-studio
            """)
        var other = parameters
        other.negativePrompt = ""
        other.guidance = 4.5
        other.sampler = .heun
        other.rng = .native
        other.shift = 3
        XCTAssertEqual(A1111Parameters(kind: .generate, parameters: other, model: nil).text, """
            a large red circle at the top left
            Steps: 20, Sampler: Heun, CFG scale: 4.5, Seed: 1234, Size: 64x64, Model: default, Shift: 3, RNG: native, \
            Version: dit-studio
            """)
    }

    func testLayoutAndEditKeysAreWrittenQuotedWhenTheyHoldCommas() {
        let layout = Layout(basePrompt: "a red circle and a blue square", baseRatio: 0.3, regions: [
            LayoutRegion(box: RegionBox(x0: 0, y0: 0, x1: 0.4, y1: 0.45), prompt: "a large red circle"),
            LayoutRegion(box: RegionBox(x0: 0.55, y0: 0.5, x1: 0.95, y1: 0.95), prompt: "a large blue square"),
        ])
        let regional = A1111Parameters(kind: .regional(layout), parameters: parameters, model: model)
        XCTAssertEqual(regional.prompt, "a red circle and a blue square")
        XCTAssertTrue(regional.text.contains(#"Layout base ratio: 0.3, Layout regions: "0.00,0.00,0.40,0.45: a large red circle; "#
                                             + #"0.55,0.50,0.95,0.95: a large blue square""#), regional.text)
        let reparsed = A1111Parameters.parse(regional.text)
        XCTAssertEqual(reparsed.value(for: "Layout regions"),
                       "0.00,0.00,0.40,0.45: a large red circle; 0.55,0.50,0.95,0.95: a large blue square")

        let edit = A1111Parameters(kind: .edit(.img2img(source: ImageReference(path: "0003-99.png", jobID: JobID(3)), strength: 0.6)),
                                   parameters: parameters, model: model)
        XCTAssertEqual(edit.value(for: "Edit"), "img2img")
        XCTAssertEqual(edit.value(for: "Edit source"), "0003-99.png")
        XCTAssertEqual(edit.value(for: "Denoising strength"), "0.6")
        let inject = A1111Parameters(kind: .edit(.inject(source: ImageReference(path: "a.png"), sourcePrompt: "a red circle",
                                                         targetPrompt: "a blue circle, flat")),
                                     parameters: parameters, model: model)
        XCTAssertTrue(inject.text.contains(#"Edit target prompt: "a blue circle, flat""#), inject.text)
        XCTAssertEqual(A1111Parameters.parse(inject.text).value(for: "Edit target prompt"), "a blue circle, flat")
    }

    func testOurParametersChunkParsesBackToTheSameParameters() {
        let chunk = A1111Parameters(kind: .generate, parameters: parameters, model: model)
        let parsed = A1111Parameters.parse(chunk.text)
        XCTAssertEqual(parsed, chunk)
        let (read, notes) = parsed.generateParameters(defaults: GenerateParameters(prompt: "", seed: 0))
        XCTAssertEqual(notes, [])
        XCTAssertEqual(read, parameters)
    }

    func testAChunkFromA1111ItselfIsReadAsFarAsItGoes() {
        // As AUTOMATIC1111 v1.6 writes it: a two-line prompt, a two-line negative prompt, and quoted
        // values holding commas and colons.
        let text = """
            masterpiece, a red fox sitting in snow,
            (detailed fur:1.2)
            Negative prompt: lowres, bad anatomy,
            blurry
            Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 3337418455, Size: 512x768, Model hash: 6ce0161689, \
            Model: v1-5-pruned-emaonly, Denoising strength: 0.7, Hires upscale: 2, Hires upscaler: Latent, \
            Lora hashes: "add_detail: 7c6bad76eb54, more_details: 3b8aa1d351ef", TI hashes: "easynegative: c74b4e810b03", \
            Version: v1.6.0
            """
        let parsed = A1111Parameters.parse(text)
        XCTAssertEqual(parsed.prompt, "masterpiece, a red fox sitting in snow,\n(detailed fur:1.2)")
        XCTAssertEqual(parsed.negativePrompt, "lowres, bad anatomy,\nblurry")
        XCTAssertEqual(parsed.fields.map(\.key), ["Steps", "Sampler", "CFG scale", "Seed", "Size", "Model hash", "Model",
                                                  "Denoising strength", "Hires upscale", "Hires upscaler", "Lora hashes",
                                                  "TI hashes", "Version"])
        XCTAssertEqual(parsed.value(for: "Lora hashes"), "add_detail: 7c6bad76eb54, more_details: 3b8aa1d351ef")
        XCTAssertEqual(parsed.value(for: "TI hashes"), "easynegative: c74b4e810b03")
        XCTAssertEqual(parsed.seed, 3_337_418_455)
        XCTAssertEqual(parsed.size?.width, 512)
        XCTAssertEqual(parsed.size?.height, 768)
        XCTAssertEqual(parsed.cfgScale, 7.5)

        let defaults = GenerateParameters(prompt: "", seed: 1, steps: 8, sampler: .heun, rng: .native)
        let (read, notes) = parsed.generateParameters(defaults: defaults)
        XCTAssertEqual(read.steps, 30)
        XCTAssertEqual(read.guidance, 7.5)
        XCTAssertEqual(read.seed, 3_337_418_455)
        XCTAssertEqual(read.width, 512)
        XCTAssertEqual(read.height, 768)
        XCTAssertEqual(read.sampler, .heun, "an unknown sampler keeps the default")
        XCTAssertEqual(read.rng, .native)
        XCTAssertEqual(notes, ["sampler 'DPM++ 2M Karras' is not available here; using Heun"])
        // Unknown keys survive a rewrite.
        XCTAssertEqual(A1111Parameters.parse(parsed.text), parsed)
    }

    func testALastLineWithFewerThanThreePairsBelongsToThePrompt() {
        let parsed = A1111Parameters.parse("a cat\nstyle: flat, colour: red")
        XCTAssertEqual(parsed.prompt, "a cat\nstyle: flat, colour: red")
        XCTAssertEqual(parsed.fields, [])
        let garbled = A1111Parameters.parse("a cat\nSteps: x, , ,Seed: 12, ???, Size: 3x, CFG scale: \"unterminated")
        XCTAssertEqual(garbled.fields.map(\.key), ["Steps", "Seed", "Size", "CFG scale"])
        XCTAssertNil(garbled.steps)
        XCTAssertEqual(garbled.seed, 12)
        XCTAssertNil(garbled.size)
        let (_, notes) = garbled.generateParameters(defaults: GenerateParameters(prompt: "", seed: 0))
        XCTAssertEqual(notes, ["'Steps: x' is not understood; using steps from the defaults",
                               "'CFG scale: \"unterminated' is not understood; using cfg scale from the defaults",
                               "'Size: 3x' is not understood; using size from the defaults"])
    }

    func testValuesWithCommasColonsQuotesAndLineBreaksRoundTrip() {
        let awkward = "a, b: \"c\" \\ d\nnext"
        let chunk = A1111Parameters(prompt: "p", fields: [A1111Parameters.Field("Odd", awkward), A1111Parameters.Field("Steps", "3"),
                                                         A1111Parameters.Field("Seed", "4")])
        XCTAssertEqual(A1111Parameters.parse(chunk.text).value(for: "Odd"), awkward)
    }

    func testAPNGFromAnotherToolWithOnlyAParametersChunkGivesAJob() throws {
        // Written by Pillow (Tests/Fixtures/png/make_png_fixtures.py), as other tools write it.
        let metadata = try ImageMetadata(contentsOf: fixtureURL("png/pillow_rgb8_parameters.png"))
        XCTAssertNil(metadata.provenance)
        XCTAssertEqual(metadata.parameters?.prompt, "a red circle on a blue square, flat colours")
        XCTAssertEqual(metadata.parameters?.negativePrompt, "blurry")
        let recipe = try metadata.jobRequest(defaults: GenerateParameters(prompt: "", seed: 0, steps: 8), capabilities: .generateOnly)
        let (request, notes) = (recipe.request, recipe.notes)
        XCTAssertEqual(recipe.keyword, "parameters")
        XCTAssertEqual(recipe.key(for: "guidance"), "CFG scale")
        XCTAssertEqual(request.parameters.steps, 20)
        XCTAssertEqual(request.parameters.guidance, 4.5)
        XCTAssertEqual(request.parameters.seed, 1234)
        XCTAssertEqual(request.parameters.width, 5)
        XCTAssertEqual(request.parameters.sampler, .euler)
        XCTAssertEqual(notes, ["no 'dit-studio' chunk: read from the A1111 'parameters' chunk"])
        let none = try ImageMetadata(contentsOf: fixtureURL("png/pillow_gray8.png"))
        XCTAssertThrowsError(try none.jobRequest(defaults: parameters, capabilities: .generateOnly), "no chunk, no job") { error in
            XCTAssertEqual(error as? MetadataError, .noMetadata(path: fixtureURL("png/pillow_gray8.png").path))
        }
    }

    func testEveryKindOfJobRoundTripsThroughARealPNG() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let source = ImageReference(path: "0001-7.png", jobID: JobID(1), fingerprint: "cafe")
        let box = RegionBox(x0: 0.1, y0: 0.2, x1: 0.6, y1: 0.7)
        let kinds: [JobKind] = [
            .generate,
            .regional(Layout(basePrompt: "two shapes", baseRatio: 0.25, regions: [LayoutRegion(box: box, prompt: "a circle")],
                             injectSteps: 8, blockInterval: 2)),
            .edit(.img2img(source: source, strength: 0.55)),
            .edit(.inpaint(source: source, boxes: [box])),
            .edit(.inject(source: source, sourcePrompt: "a red circle", targetPrompt: "a blue circle")),
            .edit(.variation(source: source, strength: 0.2)),
        ]
        for (index, kind) in kinds.enumerated() {
            var values = parameters
            values.prompt = "ünïcödé prompt 🐱 \(index)"
            values.model = "/models/other"
            let provenance = ImageProvenance(session: "2026-11-25-a", jobID: JobID(index + 1), kind: kind, parameters: values,
                                             seedPolicy: .increment, model: model,
                                             createdAt: Timestamp(millisecondsSince1970: 1_795_600_800_123))
            let url = directory.appendingPathComponent("\(index).png")
            try PNGFile.write(RGBImage(width: 4, height: 4, fill: RGB8(1, 2, 3)),
                              textChunks: try ImageMetadata.textChunks(for: provenance), to: url)
            let png = try PNGFile.read(from: url)
            XCTAssertEqual(png.textChunks.map(\.keyword), ["parameters", "dit-studio"])
            XCTAssertEqual(png.textChunks.last?.kind, .internationalText, "our record is an iTXt chunk")
            let metadata = ImageMetadata(png: png)
            XCTAssertEqual(metadata.provenance, provenance, "\(kind)")
            XCTAssertEqual(metadata.notes, [])
            let everything = EngineCapabilities(regionalPrompting: true, editModes: Set(EditMode.allCases))
            XCTAssertEqual(try metadata.jobRequest(defaults: parameters, capabilities: everything).request,
                           JobRequest(kind: kind, parameters: values, seedPolicy: .fixed, count: 1))
            if kind != .generate {
                XCTAssertThrowsError(try metadata.jobRequest(defaults: parameters, capabilities: .generateOnly), "\(kind)") { error in
                    guard case let .unavailable(_, keyword, key, reason)? = error as? MetadataError else { return XCTFail("\(error)") }
                    XCTAssertEqual(keyword, "dit-studio")
                    XCTAssertEqual(key, "kind")
                    XCTAssertTrue(reason.hasSuffix("is not available in this engine yet"), reason)
                }
            }
        }
    }

    func testADamagedStudioChunkFallsBackToTheParametersChunk() throws {
        let url = try makeTemporaryDirectory(for: self).appendingPathComponent("damaged.png")
        let parametersText = A1111Parameters(kind: .generate, parameters: parameters, model: model).text
        try PNGFile.write(RGBImage(width: 2, height: 2), textChunks: [
            PNGTextChunk(keyword: "parameters", text: parametersText),
            PNGTextChunk(keyword: "dit-studio", text: #"{"format":1,"kind":{"type":"generate"}"#),
        ], to: url)
        let metadata = try ImageMetadata(contentsOf: url)
        XCTAssertNil(metadata.provenance)
        XCTAssertEqual(metadata.studioProblem, .unreadableChunk(path: url.path, keyword: "dit-studio", key: nil,
                                                                reason: "the given data was not valid JSON"))
        let recipe = try metadata.jobRequest(defaults: GenerateParameters(prompt: "", seed: 0), capabilities: .generateOnly)
        XCTAssertEqual(recipe.request.parameters, parameters)
        XCTAssertEqual(recipe.keyword, "parameters")
        XCTAssertEqual(recipe.notes, ["\(url.path): the 'dit-studio' chunk cannot be read: the given data was not valid JSON; "
                                      + "read from the A1111 'parameters' chunk instead"])
        XCTAssertThrowsError(try ImageMetadata(contentsOf: url.deletingLastPathComponent().appendingPathComponent("none.png"))) { error in
            guard case .unreadable? = error as? PNGError else { return XCTFail("\(error)") }
        }
    }

    func testJobJSONIsStable() throws {
        XCTAssertEqual(try StudioJSON.encodeString(parameters), #"{"caching":"off","guidance":4,"height":64,"negative_prompt":"blurry","#
                       + #""prompt":"a large red circle at the top left","rng":"torch","sampler":"euler","seed":1234,"shift":1,"#
                       + #""steps":20,"width":64}"#)
        XCTAssertEqual(try StudioJSON.encodeString(JobKind.edit(.img2img(source: ImageReference(path: "a/b.png"), strength: 0.5))),
                       #"{"edit":{"mode":"img2img","source":{"path":"a/b.png"},"strength":0.5},"type":"edit"}"#)
        let job = Job(id: JobID(3), parameters: parameters, seedPolicy: .random,
                      createdAt: Timestamp(millisecondsSince1970: 1_795_600_800_000), batch: BatchPosition(index: 1, count: 2))
        let json = try StudioJSON.encodeString(job)
        XCTAssertTrue(json.hasPrefix(#"{"batch":{"count":2,"index":1},"created_at":"2026-11-25T10:00:00.000Z","id":3,"#), json)
        XCTAssertEqual(try StudioJSON.decode(Job.self, from: Data(json.utf8)), job)
        XCTAssertEqual(try StudioJSON.encodeString(job), json, "same value, same bytes")
    }

    func testParametersFromOlderFilesTakeDefaultsForOptionalKeysButNotForPixelDecidingOnes() throws {
        let minimal = #"{"prompt":"p","seed":1,"steps":2,"guidance":3,"shift":1,"sampler":"heun","rng":"native","width":8,"height":8}"#
        let read = try StudioJSON.decode(GenerateParameters.self, from: Data(minimal.utf8))
        XCTAssertEqual(read.negativePrompt, "")
        XCTAssertEqual(read.caching, .off)
        XCTAssertNil(read.model)
        let missingSeed = #"{"prompt":"p","steps":2,"guidance":3,"shift":1,"sampler":"heun","rng":"native","width":8,"height":8}"#
        XCTAssertThrowsError(try StudioJSON.decode(GenerateParameters.self, from: Data(missingSeed.utf8))) { error in
            XCTAssertEqual(StudioJSON.describe(error), "key 'seed' is missing")
        }
    }

    func testTimestampsRoundTripThroughISO8601() {
        let stamp = Timestamp(millisecondsSince1970: 1_795_600_800_123)
        XCTAssertEqual(stamp.iso8601, "2026-11-25T10:00:00.123Z")
        XCTAssertEqual(Timestamp(iso8601: stamp.iso8601), stamp)
        XCTAssertEqual(Timestamp(iso8601: "2026-11-25T10:00:00Z"), Timestamp(millisecondsSince1970: 1_795_600_800_000))
        XCTAssertEqual(Timestamp(millisecondsSince1970: -1).iso8601, "1969-12-31T23:59:59.999Z")
        for bad in ["", "2026-11-25", "2026-13-01T00:00:00Z", "2026-11-25T10:00:00", "2026-11-25T10:00:00.5Zx"] {
            XCTAssertNil(Timestamp(iso8601: bad), bad)
        }
    }
}
