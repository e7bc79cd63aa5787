import XCTest
@testable import StudioCore

/// Layouts (regional prompting): the rules a layout must follow, and its JSON.
final class LayoutTests: XCTestCase {
    private let circle = LayoutRegion(box: RegionBox(x0: 0, y0: 0, x1: 0.4, y1: 0.45), prompt: "a large red circle")
    private let square = LayoutRegion(box: RegionBox(x0: 0.55, y0: 0.5, x1: 0.95, y1: 0.95), prompt: "a large blue square")

    func testAValidLayoutPassesAndRoundTripsThroughJSON() throws {
        let layout = Layout(basePrompt: "a red circle and a blue square on a beige background", baseRatio: 0.3,
                            regions: [circle, square], injectSteps: 10)
        XCTAssertNoThrow(try layout.validate())
        let json = try StudioJSON.encodeString(layout)
        XCTAssertEqual(json, #"{"base_prompt":"a red circle and a blue square on a beige background","base_ratio":0.3,"#
                       + #""inject_steps":10,"regions":[{"box":{"x0":0,"x1":0.4,"y0":0,"y1":0.45},"prompt":"a large red circle"},"#
                       + #"{"box":{"x0":0.55,"x1":0.95,"y0":0.5,"y1":0.95},"prompt":"a large blue square"}]}"#)
        XCTAssertEqual(try StudioJSON.decode(Layout.self, from: Data(json.utf8)), layout)
        XCTAssertEqual(JobKind.regional(layout).summary, "layout · 2 regions")
        XCTAssertEqual(circle.box.description, "0.00,0.00,0.40,0.45")
    }

    func testBrokenLayoutsAreRefusedWithTheReason() {
        func reason(_ layout: Layout) -> String? {
            do { try layout.validate(); return nil } catch { return "\(error)" }
        }
        XCTAssertEqual(reason(Layout(basePrompt: "b", regions: [])), "layout: a layout needs at least one region")
        XCTAssertEqual(reason(Layout(basePrompt: "b", baseRatio: 1.5, regions: [circle])),
                       "layout: the base ratio must be in [0, 1] (got 1.5)")
        XCTAssertEqual(reason(Layout(basePrompt: "b", regions: [circle, LayoutRegion(box: RegionBox(x0: 0.5, y0: 0, x1: 1.2, y1: 1), prompt: "x")])),
                       "layout: region 2: box 0.50,0.00,1.20,1.00 goes outside the image: every coordinate must be in [0, 1]")
        XCTAssertEqual(reason(Layout(basePrompt: "b", regions: [LayoutRegion(box: RegionBox(x0: 0.5, y0: 0.2, x1: 0.5, y1: 0.9), prompt: "x")])),
                       "layout: region 1: box 0.50,0.20,0.50,0.90 has no area: it needs x0 < x1 and y0 < y1")
        XCTAssertEqual(reason(Layout(basePrompt: "b", regions: [LayoutRegion(box: circle.box, prompt: "  ")])),
                       "layout: region 1 has an empty prompt")
        XCTAssertEqual(reason(Layout(basePrompt: "b", regions: [circle], blockInterval: 0)),
                       "layout: block interval must be ≥ 1 (got 0)")
    }
}
