import DiTEngine
import Foundation
import XCTest
@testable import StudioCore

/// Layout files (TOML) and the Regional Prompter import: what they read, what they refuse and how
/// the message names the place.
final class LayoutFileTests: XCTestCase {
    private let valid = """
        base_prompt = "a red circle and a blue square on a white background"
        base_ratio = 0.25
        inject_steps = 6
        region_emphasis = 4.5
        background_prompt = "a white background"

        [[region]]
        box = [0, 0, 0.5, 1]
        prompt = "a large red circle"

        [[region]]
        box = [0.5, 0.0, 1.0, 1.0]
        prompt = "a large blue square"
        """

    func testReadsEveryKeyAndRoundTripsThroughItsText() throws {
        let (layout, warnings) = try LayoutFile.load(text: valid, file: "two.toml")
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(layout, Layout(basePrompt: "a red circle and a blue square on a white background", baseRatio: 0.25,
                                      regions: [LayoutRegion(box: RegionBox(x0: 0, y0: 0, x1: 0.5, y1: 1), prompt: "a large red circle"),
                                                LayoutRegion(box: RegionBox(x0: 0.5, y0: 0, x1: 1, y1: 1), prompt: "a large blue square")],
                                      injectSteps: 6, backgroundPrompt: "a white background", regionEmphasis: 4.5))
        let again = try LayoutFile.load(text: LayoutFile.text(of: layout), file: "again.toml").0
        XCTAssertEqual(again, layout)
        // Prompts with quotes, backslashes and control characters survive the writer.
        var odd = layout
        odd.basePrompt = "say \"hi\" \\ and\ttab\u{1}"
        XCTAssertEqual(try LayoutFile.load(text: LayoutFile.text(of: odd), file: "odd.toml").0, odd)
    }

    func testAMaskRegionKeepsItsFileAndBoundingBox() throws {
        let directory = try makeTemporaryDirectory(for: self)
        // 8×4 mask with columns 2…5 of rows 1…2 white.
        var pixels = [UInt8](repeating: 0, count: 8 * 4 * 3)
        for y in 1...2 { for x in 2...5 { for c in 0..<3 { pixels[(y * 8 + x) * 3 + c] = 255 } } }
        try PNGFile.write(RGBImage(width: 8, height: 4, pixels: pixels), to: directory.appendingPathComponent("m.png"))
        let text = "base_prompt = \"b\"\n[[region]]\nmask = \"m.png\"\nprompt = \"a large red circle\"\n"
        let layout = try LayoutFile.load(text: text, file: "mask.toml", directory: directory).0
        XCTAssertEqual(layout.regions[0].mask, directory.appendingPathComponent("m.png").path)
        XCTAssertEqual(layout.regions[0].box, RegionBox(x0: 0.25, y0: 0.25, x1: 0.75, y1: 0.75))
        let mask = try MaskImage.load("m.png", relativeTo: directory)
        XCTAssertEqual(mask.values.filter { $0 != 0 }.count, 8)
    }

    func testBadLayoutsNameTheFileLineAndKey() throws {
        func message(_ text: String, directory: URL? = nil) -> String {
            do { _ = try LayoutFile.load(text: text, file: "bad.toml", directory: directory); return "loaded" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("base_prompt = \"b\"\n[[region]]\nbox = [0, 0, 1.5, 1]\nprompt = \"x\"\n"),
                       "bad.toml:3: key 'region.1.box': box 0.00,0.00,1.50,1.00 goes outside the image: every coordinate must be in [0, 1]")
        XCTAssertEqual(message("base_prompt = \"b\"\n[[region]]\nbox = [0.5, 0, 0.5, 1]\nprompt = \"x\"\n"),
                       "bad.toml:3: key 'region.1.box': box 0.50,0.00,0.50,1.00 has no area: it needs x0 < x1 and y0 < y1")
        XCTAssertEqual(message("base_prompt = \"b\"\n[[region]]\nbox = [0, 0, 1]\nprompt = \"x\"\n"),
                       "bad.toml:3: key 'region.1.box': expected four numbers [x0, y0, x1, y1] (got 3)")
        XCTAssertEqual(message("base_prompt = \"b\"\n[[region]]\nbox = [0, 0, 1, 1]\n"),
                       "bad.toml: key 'region.1.prompt' is missing: every region needs a prompt")
        XCTAssertEqual(message("base_prompt = \"b\"\n"),
                       "bad.toml: key 'region' is missing: add at least one [[region]] with a box (or mask) and a prompt")
        XCTAssertEqual(message("base_ratio = 2\nbase_prompt = \"b\"\n[[region]]\nbox = [0, 0, 1, 1]\nprompt = \"x\"\n"),
                       "bad.toml:1: key 'base_ratio': must be between 0 and 1 (got 2.0)")
        XCTAssertEqual(message("base_prompt = \"b\"\n[[region]]\nbox = [0, 0, 1, 1]\nmask = \"m.png\"\nprompt = \"x\"\n"),
                       "bad.toml:4: key 'region.1.mask': a region has a box or a mask, not both")
        let directory = try makeTemporaryDirectory(for: self)
        try Data("not a png".utf8).write(to: directory.appendingPathComponent("fake.png"))
        XCTAssertTrue(message("base_prompt = \"b\"\n[[region]]\nmask = \"fake.png\"\nprompt = \"x\"\n", directory: directory)
            .hasPrefix("bad.toml:3: key 'region.1.mask': \(directory.appendingPathComponent("fake.png").path): cannot read PNG: "))
        try PNGFile.write(RGBImage(width: 4, height: 4, fill: .black), to: directory.appendingPathComponent("black.png"))
        XCTAssertEqual(message("base_prompt = \"b\"\n[[region]]\nmask = \"black.png\"\nprompt = \"x\"\n", directory: directory),
                       "bad.toml:3: key 'region.1.mask': the mask black.png has no white pixels (white marks the region)")
        XCTAssertEqual(message("region_emphasis = 25\nbase_prompt = \"b\"\n[[region]]\nbox = [0, 0, 1, 1]\nprompt = \"x\"\n"),
                       "bad.toml:1: key 'region_emphasis': must be between 0 and 20 (got 25.0)")
        XCTAssertEqual(message("region_emphasis = -1\nbase_prompt = \"b\"\n[[region]]\nbox = [0, 0, 1, 1]\nprompt = \"x\"\n"),
                       "bad.toml:1: key 'region_emphasis': must be between 0 and 20 (got -1.0)")
        let many = "base_prompt = \"b\"\n" + String(repeating: "[[region]]\nbox = [0, 0, 1, 1]\nprompt = \"x\"\n", count: 17)
        XCTAssertEqual(message(many), "bad.toml:2: key 'region': at most 16 regions (got 17)")
    }

    func testUnknownKeysAreWarningsWithAHint() throws {
        let (_, warnings) = try LayoutFile.load(text: "base_prompt = \"b\"\nbase_ration = 0.2\n[[region]]\nbox = [0, 0, 1, 1]\nprompt = \"x\"\n",
                                                file: "typo.toml")
        XCTAssertEqual(warnings.map(\.message), ["unknown key 'base_ration' ignored (did you mean 'base_ratio'?)"])
    }

    // MARK: Regional Prompter

    func testColumnsFromOneRatioGroup() throws {
        let layout = try RegionalPrompterSyntax.layout(prompt: "a large red circle BREAK a large blue square", ratios: "1,1")
        XCTAssertEqual(layout.regions.map(\.box), [RegionBox(x0: 0, y0: 0, x1: 0.5, y1: 1), RegionBox(x0: 0.5, y0: 0, x1: 1, y1: 1)])
        XCTAssertEqual(layout.regions.map(\.prompt), ["a large red circle", "a large blue square"])
        XCTAssertEqual(layout.basePrompt, "a large red circle a large blue square")
    }

    func testRowsWhenThePromptSeparatesRowsOnly() throws {
        let layout = try RegionalPrompterSyntax.layout(prompt: "red ADDROW blue ADDROW green", ratios: "1,2,1")
        XCTAssertEqual(layout.regions.map(\.box), [RegionBox(x0: 0, y0: 0, x1: 1, y1: 0.25), RegionBox(x0: 0, y0: 0.25, x1: 1, y1: 0.75),
                                                   RegionBox(x0: 0, y0: 0.75, x1: 1, y1: 1)])
    }

    func testRowGroupsWithColumnsBaseAndCommon() throws {
        // Row 1 (height 1 of 3): columns 2:1; row 2 (height 2): one column.
        let layout = try RegionalPrompterSyntax.layout(
            prompt: "two shapes on white ADDBASE large ADDCOMM red circle ADDCOL blue square ADDROW green triangle",
            ratios: "1,2,1;2,3", baseRatio: 0.2)
        XCTAssertEqual(layout.basePrompt, "two shapes on white")
        XCTAssertEqual(layout.baseRatio, 0.2)
        XCTAssertEqual(layout.regions.map(\.prompt), ["large red circle", "large blue square", "large green triangle"])
        let third = 1.0 / 3.0
        XCTAssertEqual(layout.regions[0].box.x1, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(layout.regions[0].box.y1, third, accuracy: 1e-12)
        XCTAssertEqual(layout.regions[1].box, RegionBox(x0: layout.regions[0].box.x1, y0: 0, x1: 1, y1: layout.regions[0].box.y1))
        XCTAssertEqual(layout.regions[2].box, RegionBox(x0: 0, y0: layout.regions[0].box.y1, x1: 1, y1: 1))
    }

    func testRegionalPrompterMistakesSayWhat() {
        func message(_ prompt: String, _ ratios: String) -> String {
            do { _ = try RegionalPrompterSyntax.layout(prompt: prompt, ratios: ratios); return "ok" } catch { return "\(error)" }
        }
        XCTAssertEqual(message("a BREAK b BREAK c", "1,1"),
                       "regional prompter: the ratios '1,1' make 2 regions but the prompt has 3 (separate regions with BREAK, ADDCOL or ADDROW)")
        XCTAssertEqual(message("a BREAK b", "1,x"), "regional prompter: 'x' in the ratios '1,x' is not a positive number")
        XCTAssertEqual(message("a BREAK b", "1,-1"), "regional prompter: '-1' in the ratios '1,-1' is not a positive number")
        XCTAssertEqual(message("a BREAK BREAK b", "1,1,1"),
                       "regional prompter: a region's prompt is empty (two separators in a row, or one at an end)")
        XCTAssertEqual(message("a", " "), "regional prompter: the ratios are empty: write e.g. '1,1' for two columns")
    }
}
