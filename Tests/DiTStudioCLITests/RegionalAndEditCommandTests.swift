import Foundation
import StudioCore
import XCTest

/// Regional generation (`generate --region/--layout/--regional-prompter`), `edit`, and presets that
/// script editing sessions, end to end on the binary: images that `--from` makes again bit for bit,
/// and bad input that exits 2 naming what is wrong.
final class RegionalAndEditCommandTests: XCTestCase {
    private var model: String { fixtureModel.path }

    private func pixels(_ path: String) throws -> RGBImage {
        try PNGFile.read(from: URL(fileURLWithPath: path)).image
    }

    func testRegionalImagesRecordTheirLayoutAndReplayBitForBit() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let first = directory.appendingPathComponent("regional.png").path
        let again = directory.appendingPathComponent("again.png").path
        let plain = directory.appendingPathComponent("plain.png").path
        func twoRegions(emphasis: String, out: String) throws -> CommandResult {
            try runDiTStudio(["generate", "a large red circle and a small blue square", "--model", model, "--seed", "3",
                              "--steps", "3", "--region", "0,0,0.5,1:a large red circle",
                              "--region", "0.5,0,1,1:a small blue square", "--inject-steps", "2",
                              "--region-emphasis", emphasis, "--out", out])
        }
        let made = try twoRegions(emphasis: "4", out: first)
        XCTAssertEqual(made.status, 0, made.standardError)
        let provenance = try XCTUnwrap(try ImageMetadata(contentsOf: URL(fileURLWithPath: first)).provenance)
        guard case let .regional(layout) = provenance.kind else { return XCTFail("the job kind is regional: \(provenance.kind)") }
        XCTAssertEqual(layout.regions.map(\.prompt), ["a large red circle", "a small blue square"])
        XCTAssertEqual(layout.injectSteps, 2)
        XCTAssertEqual(layout.regionEmphasis, 4)
        let parameters = try XCTUnwrap(try ImageMetadata(contentsOf: URL(fileURLWithPath: first)).parametersText)
        XCTAssertTrue(parameters.contains(#"Layout regions: "0.00,0.00,0.50,1.00: a large red circle; 0.50,0.00,1.00,1.00: a small blue square""#),
                      parameters)

        let remade = try runDiTStudio(["generate", "--from", first, "--out", again])
        XCTAssertEqual(remade.status, 0, remade.standardError)
        XCTAssertEqual(try pixels(first), try pixels(again), "--from must reproduce a regional image bit for bit")

        let noRegions = try runDiTStudio(["generate", "a large red circle and a small blue square", "--model", model, "--seed", "3",
                                          "--steps", "3", "--out", plain])
        XCTAssertEqual(noRegions.status, 0, noRegions.standardError)
        XCTAssertNotEqual(try pixels(first), try pixels(plain), "the regions change the image")

        let bare = directory.appendingPathComponent("bare.png").path
        let withoutEmphasis = try twoRegions(emphasis: "0", out: bare)
        XCTAssertEqual(withoutEmphasis.status, 0, withoutEmphasis.standardError)
        XCTAssertNotEqual(try pixels(first), try pixels(bare), "the emphasis changes the image")
    }

    func testLayoutFilesAndRegionalPrompterImportRun() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let layout = directory.appendingPathComponent("two.toml")
        try Data("base_prompt = \"two shapes\"\n[[region]]\nbox = [0, 0, 0.5, 1]\nprompt = \"a large red circle\"\n[[region]]\nbox = [0.5, 0, 1, 1]\nprompt = \"a small blue square\"\n".utf8)
            .write(to: layout)
        let fromFile = directory.appendingPathComponent("file.png").path
        let fromSyntax = directory.appendingPathComponent("syntax.png").path
        let a = try runDiTStudio(["generate", "--layout", layout.path, "--model", model, "--seed", "4", "--steps", "2", "--out", fromFile])
        XCTAssertEqual(a.status, 0, a.standardError)
        let b = try runDiTStudio(["generate", "two shapes", "--regional-prompter", "a large red circle BREAK a small blue square",
                                  "--ratios", "1,1", "--model", model, "--seed", "4", "--steps", "2", "--out", fromSyntax])
        XCTAssertEqual(b.status, 0, b.standardError)
        XCTAssertEqual(try pixels(fromFile), try pixels(fromSyntax), "the same layout written two ways gives the same image")
    }

    func testBadRegionalInputExitsTwoAndNamesIt() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let out = directory.appendingPathComponent("never.png").path
        let broken = directory.appendingPathComponent("broken.toml")
        try Data("base_prompt = \"b\"\n[[region]]\nbox = [0, 0, 2, 1]\nprompt = \"x\"\n".utf8).write(to: broken)
        let cases: [([String], String)] = [
            (["generate", "p", "--region", "0,0,0.5:a circle"], "--region '0,0,0.5:a circle': the box must be four numbers x0,y0,x1,y1 before the ':'"),
            (["generate", "p", "--region", "0,0,0,1:a circle"], "has no area"),
            (["generate", "p", "--region", "0,0,1,1 a circle"], "write x0,y0,x1,y1:PROMPT"),
            (["generate", "p", "--base-ratio", "0.5"], "--base-ratio applies to regional prompting"),
            (["generate", "p", "--region", "0,0,1,1:x", "--base-ratio", "1.5"], "--base-ratio must be between 0 and 1"),
            (["generate", "p", "--region-emphasis", "3"], "--region-emphasis applies to regional prompting"),
            (["generate", "p", "--region", "0,0,1,1:x", "--region-emphasis", "21"], "--region-emphasis must be between 0 and 20 (got 21.0)"),
            (["generate", "--regional-prompter", "a BREAK b"], "--regional-prompter needs --ratios"),
            (["generate", "--regional-prompter", "a BREAK b BREAK c", "--ratios", "1,1", "--model", model], "make 2 regions but the prompt has 3"),
            (["generate", "--layout", broken.path, "--model", model], "\(broken.path):3: key 'region.1.box'"),
            (["generate", "--layout", directory.appendingPathComponent("missing.toml").path, "--model", model], "missing.toml"),
        ]
        for (arguments, reason) in cases {
            let result = try runDiTStudio(arguments + ["--out", out])
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(reason), "\(arguments): expected “\(reason)” in \(result.standardError)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testEditModesRunRecordTheirSourceAndReplay() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let source = directory.appendingPathComponent("source.png").path
        let made = try runDiTStudio(["generate", "a large red circle", "--model", model, "--seed", "5", "--steps", "4", "--out", source])
        XCTAssertEqual(made.status, 0, made.standardError)
        for (mode, flags) in [("img2img", ["--strength", "0.5"]), ("variation", []), ("inpaint", ["--mask-box", "0,0,0.5,0.5"])] {
            let out = directory.appendingPathComponent("\(mode).png").path
            let again = directory.appendingPathComponent("\(mode)-again.png").path
            let result = try runDiTStudio(["edit", "--image", source, "--mode", mode, "--model", model, "--seed", "9", "--steps", "4",
                                           "--out", out] + flags)
            XCTAssertEqual(result.status, 0, "\(mode): \(result.standardError)")
            let provenance = try XCTUnwrap(try ImageMetadata(contentsOf: URL(fileURLWithPath: out)).provenance, mode)
            guard case let .edit(operation) = provenance.kind else { return XCTFail("\(mode): \(provenance.kind)") }
            XCTAssertEqual(operation.mode.rawValue, mode)
            XCTAssertEqual(operation.source.path, URL(fileURLWithPath: source).standardizedFileURL.path)
            XCTAssertEqual(operation.source.fingerprint, try ContentFingerprint.of(fileAt: URL(fileURLWithPath: source)))
            XCTAssertEqual(provenance.parameters.prompt, "a large red circle", "\(mode): the source's own prompt by default")
            let remade = try runDiTStudio(["generate", "--from", out, "--out", again])
            XCTAssertEqual(remade.status, 0, "\(mode): \(remade.standardError)")
            XCTAssertEqual(try pixels(out), try pixels(again), "\(mode): --from must reproduce the edit bit for bit")
            if mode == "inpaint" {
                let a = try pixels(source), b = try pixels(out)
                for y in 0..<a.height {
                    for x in 0..<a.width where x >= a.width / 2 || y >= a.height / 2 {
                        let i = 3 * (y * a.width + x)
                        XCTAssertEqual(a.pixels[i..<(i + 3)], b.pixels[i..<(i + 3)], "inpaint changed (\(x), \(y)) outside the mask")
                    }
                }
            }
        }
        // Without its source the edit cannot be made again, and says so.
        let out = directory.appendingPathComponent("img2img.png").path
        try FileManager.default.removeItem(atPath: source)
        let orphan = try runDiTStudio(["generate", "--from", out, "--out", directory.appendingPathComponent("orphan.png").path])
        XCTAssertEqual(orphan.status, 2, orphan.standardError)
        XCTAssertTrue(orphan.standardError.contains("source.png"), orphan.standardError)
    }

    /// `vital-layers --dry-run` prints each block's change and marks the kept ones; when the last kept
    /// block and the first left out measured within 20 % of each other it says to compare both choices.
    func testVitalLayersRanksBlocksAndWarnsWhenTheChoiceIsClose() throws {
        for keep in ["1", "2"] {  // the fixture model has two blocks: keeping both leaves no choice to warn about
            let result = try runDiTStudio(["vital-layers", "--model", model, "--n", "1", "--keep", keep, "--dry-run"])
            XCTAssertEqual(result.status, 0, result.standardError)
            let rows = result.standardOutput.split(separator: "\n").dropFirst().map { $0.split(separator: " ") }
            let change = rows.map { Double($0[1])! }
            let kept = rows.filter { $0.count == 3 && $0[2] == "vital" }.map { Int($0[0])! }
            let ranked = change.indices.sorted { change[$0] > change[$1] }
            let k = Int(keep)!
            XCTAssertEqual(kept, Array(ranked.prefix(k)).sorted(), result.standardOutput)
            let close = k < ranked.count && change[ranked[k]] > 0.8 * change[ranked[k - 1]]
            XCTAssertEqual(result.standardError.contains("are within 20 % of each other"), close, result.standardError)
        }
    }

    func testInjectionNeedsTheModelsVitalBlocks() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let source = directory.appendingPathComponent("source.png").path
        XCTAssertEqual(try runDiTStudio(["generate", "a large red circle", "--model", model, "--seed", "5", "--steps", "2", "--out", source]).status, 0)
        let result = try runDiTStudio(["edit", "--image", source, "--mode", "inject", "--prompt", "a large blue circle", "--model", model,
                                       "--steps", "2", "--out", directory.appendingPathComponent("x.png").path])
        XCTAssertEqual(result.status, 2, result.standardError)
        XCTAssertTrue(result.standardError.contains("dit-studio vital-layers"), result.standardError)
    }

    func testBadEditInputExitsTwoAndNamesIt() throws {
        let directory = try makeCLITemporaryDirectory(for: self)
        let notPNG = directory.appendingPathComponent("text.png")
        try Data("hello".utf8).write(to: notPNG)
        let cases: [([String], String)] = [
            (["edit", "--image", notPNG.path, "--mode", "img2img", "--prompt", "x"], "--image: \(notPNG.path): cannot read PNG: not a PNG file"),
            (["edit", "--image", notPNG.path, "--mode", "img2img", "--strength", "0"], "--strength must be in (0, 1] (got 0.0)"),
            (["edit", "--image", notPNG.path, "--mode", "img2img", "--strength", "1.5"], "--strength must be in (0, 1]"),
            (["edit", "--image", notPNG.path, "--mode", "inpaint"], "--mode inpaint needs --mask-box"),
            (["edit", "--image", notPNG.path, "--mode", "inpaint", "--mask-box", "0,0,1.5,1"], "goes outside the image"),
            (["edit", "--image", notPNG.path, "--mode", "img2img", "--mask-box", "0,0,1,1"], "apply to --mode inpaint"),
            (["edit", "--image", notPNG.path, "--mode", "img2img", "--source-prompt", "x"], "--source-prompt applies to --mode inject"),
            (["edit", "--image", notPNG.path, "--mode", "outpaint"], "outpaint"),
        ]
        for (arguments, reason) in cases {
            let result = try runDiTStudio(arguments + ["--model", model])
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(reason), "\(arguments): expected “\(reason)” in \(result.standardError)")
        }
    }

    /// Every shipped preset that edits or lays out runs headless on the built-in model (2 steps).
    func testShippedEditingAndLayoutPresetsRunHeadless() throws {
        let data = try makeCLITemporaryDirectory(for: self)
        for preset in ["recolour-each", "background-sweep", "draft-fix-variations", "layout-two-columns", "layout-three-corners"] {
            let out = data.appendingPathComponent(preset)
            let result = try runDiTStudio(["run", preset, "--steps", "2", "--out-dir", out.path],
                                          environment: ["XDG_DATA_HOME": data.path, "DIT_STUDIO_MODEL": ""])
            XCTAssertEqual(result.status, 0, "\(preset): \(result.standardError)")
            let written = result.standardOutput.split(separator: "\n")
            XCTAssertFalse(written.isEmpty, preset)
            for path in written { XCTAssertNoThrow(try PNGFile.read(from: URL(fileURLWithPath: String(path))), "\(preset): \(path)") }
        }
        // An editing preset on an image given on the command line.
        let start = data.appendingPathComponent("start.png").path
        XCTAssertEqual(try runDiTStudio(["generate", "a large red circle at the left and a large blue square at the right on a white background",
                                         "--steps", "2", "--seed", "1", "--out", start], environment: ["DIT_STUDIO_MODEL": ""]).status, 0)
        let edited = try runDiTStudio(["run", "recolour-each", "--image", start, "--steps", "2", "--out-dir", data.appendingPathComponent("mine").path],
                                      environment: ["XDG_DATA_HOME": data.path, "DIT_STUDIO_MODEL": ""])
        XCTAssertEqual(edited.status, 0, edited.standardError)
    }
}
