import DiTEngine
import XCTest
@testable import StudioCore

/// The studio's current settings: the status line, presets applied, and the next seed.
final class SessionSettingsTests: XCTestCase {
    func testTheStatusLineShowsWhatTheNextJobWillUse() {
        var settings = StudioSettings(parameters: GenerateParameters(prompt: "", seed: 1234, steps: 28))
        XCTAssertEqual(settings.statusLine, "steps 28 · cfg 4.0 · shift 1.0 · euler · seed 1234 (+1) · 64×64 · cache off · theme dusk")
        settings.seedPolicy = .fixed
        settings.count = 4
        settings.parameters.rng = .native
        settings.presetName = "final"
        XCTAssertEqual(settings.statusLine,
                       "steps 28 · cfg 4.0 · shift 1.0 · euler · seed 1234 (fixed) · 64×64 · ×4 · cache off · rng native · preset final · theme dusk")
    }

    func testSeedsMoveOnPerPolicyAfterQueuing() {
        var generator = SeededGenerator(seed: 3)
        var settings = StudioSettings(parameters: GenerateParameters(prompt: "", seed: 10), count: 3)
        settings.advanceSeed(using: &generator)
        XCTAssertEqual(settings.parameters.seed, 13, "past the batch of three")
        settings.seedPolicy = .fixed
        settings.advanceSeed(using: &generator)
        XCTAssertEqual(settings.parameters.seed, 13)
        settings.seedPolicy = .random
        settings.advanceSeed(using: &generator)
        // The first draw from seed 3 (increment and fixed draw nothing): SplitMix64 and Swift's bounded draw for 2³² (the top 32 bits), in python:
        //   s = (seed + 0x9E3779B97F4A7C15·k) mod 2⁶⁴; z = (s ^ s>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>27)·0x94D049BB133111EB;
        //   (z ^ z>>31) >> 32   for k = 1, 2, …
        XCTAssertEqual(settings.parameters.seed, 487_265_508)
    }

    func testApplyingAPresetTakesItsSettingsAndTemplate() throws {
        let (preset, _) = try PresetLoader().load(text: """
            [settings]
            steps = 8
            sampler = "heun"
            size = "32x48"
            seed_policy = "fixed"
            count = 2
            prompt_template = "{prompt} on a white background"
            """, file: "mine.toml", source: .user(path: "mine.toml"))
        var settings = StudioSettings(parameters: GenerateParameters(prompt: "", seed: 99))
        settings.apply(preset)
        let request = settings.request(prompt: "a small red circle")
        XCTAssertEqual(request.parameters.prompt, "a small red circle on a white background")
        XCTAssertEqual(request.parameters.steps, 8)
        XCTAssertEqual(request.parameters.sampler, .heun)
        XCTAssertEqual(request.parameters.width, 32)
        XCTAssertEqual(request.parameters.height, 48)
        XCTAssertEqual(request.parameters.seed, 99, "the preset names no seed: the studio's stays")
        XCTAssertEqual(request.seedPolicy, .fixed)
        XCTAssertEqual(request.count, 2)
        XCTAssertEqual(request.label, "preset mine")
    }
}
