import DiTEngine
import Foundation
import XCTest
@testable import StudioCore

/// The one resolution of a model's defaults: studio.json, then the model's files, then the fallbacks.
final class ModelDefaultsTests: XCTestCase {
    /// A model directory with the built-in model's configs (weights are empty files: only configs
    /// are read), its transformer's `sample_size` set to `sampleSize`, an optional scheduler
    /// config with `schedulerShift` and an optional `studio.json`.
    private func model(sampleSize: Int = 24, schedulerShift: Double? = nil, studioJSON: String? = nil) throws -> URL {
        let directory = try makeTemporaryDirectory(for: self).appendingPathComponent("model")
        let shipped = try DefaultModel.directory()
        for part in ["transformer", "text_encoder", "tokenizer", "vae"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(part), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(at: shipped.appendingPathComponent("model_index.json"),
                                         to: directory.appendingPathComponent("model_index.json"))
        for file in ["text_encoder/config.json", "tokenizer/tokenizer.json", "vae/config.json"] {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(file), to: directory.appendingPathComponent(file))
        }
        for file in ["transformer/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors",
                     "vae/diffusion_pytorch_model.safetensors"] {
            FileManager.default.createFile(atPath: directory.appendingPathComponent(file).path, contents: Data())
        }
        var transformer = try JSONSerialization.jsonObject(
            with: Data(contentsOf: shipped.appendingPathComponent("transformer/config.json"))) as! [String: Any]
        transformer["sample_size"] = sampleSize
        try JSONSerialization.data(withJSONObject: transformer).write(to: directory.appendingPathComponent("transformer/config.json"))
        if let schedulerShift {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("scheduler"), withIntermediateDirectories: true)
            try Data("{\"_class_name\": \"FlowMatchEulerDiscreteScheduler\", \"shift\": \(schedulerShift)}".utf8)
                .write(to: directory.appendingPathComponent("scheduler/scheduler_config.json"))
        }
        if let studioJSON { try Data(studioJSON.utf8).write(to: directory.appendingPathComponent("studio.json")) }
        return directory
    }

    func testWithoutStudioJSONOrSchedulerTheSizeIsTheModelsAndTheRestBuiltIn() throws {
        let directory = try model(sampleSize: 24)
        let defaults = try ModelDefaults(modelDirectory: directory)
        let p = defaults.parameters
        // The shipped VAE has 3 block_out_channels: diffusers' vae_scale_factor = 2 ** (3 - 1) = 4; 24 cells × 4 = 96.
        XCTAssertEqual(p.width, 96)
        XCTAssertEqual(p.height, 96)
        XCTAssertEqual(p.shift, 3, "SD3's FlowMatchEulerDiscreteScheduler default shift")
        XCTAssertEqual(p.steps, 20)
        XCTAssertEqual(p.guidance, 4)
        XCTAssertEqual(p.sampler, .euler)
        XCTAssertEqual(defaults.origins["size"], .modelFile(path: directory.appendingPathComponent("transformer/config.json").path,
                                                            key: "sample_size"))
        XCTAssertEqual(defaults.origins["shift"], .builtIn)
        XCTAssertEqual(defaults.regional, RegionalDefaults())
        XCTAssertNil(defaults.vitalBlocks)
    }

    func testTheSchedulerShiftComesBeforeTheFallback() throws {
        let directory = try model(schedulerShift: 2.5)
        let defaults = try ModelDefaults(modelDirectory: directory)
        XCTAssertEqual(defaults.parameters.shift, 2.5)
        XCTAssertEqual(defaults.origins["shift"], .modelFile(path: directory.appendingPathComponent("scheduler/scheduler_config.json").path,
                                                             key: "shift"))
    }

    func testStudioJSONComesBeforeTheModelsFiles() throws {
        let directory = try model(sampleSize: 24, schedulerShift: 2.5, studioJSON: """
            {"steps": 7, "guidance": 2.5, "shift": 1.5, "sampler": "heun", "width": 32, "height": 48,
             "regional": {"inject_steps": 3, "block_interval": 2, "region_emphasis": 5}, "vital_blocks": [1, 4]}
            """)
        let defaults = try ModelDefaults(modelDirectory: directory)
        let p = defaults.parameters
        XCTAssertEqual([p.steps, p.width, p.height], [7, 32, 48])
        XCTAssertEqual([p.guidance, p.shift], [2.5, 1.5])
        XCTAssertEqual(p.sampler, .heun)
        XCTAssertEqual(defaults.regional, RegionalDefaults(injectSteps: 3, blockInterval: 2, regionEmphasis: 5))
        XCTAssertEqual(defaults.vitalBlocks, [1, 4])
        let studio = ModelDefaults.Origin.studioJSON(path: directory.appendingPathComponent("studio.json").path)
        for name in ["steps", "guidance", "shift", "sampler", "size"] { XCTAssertEqual(defaults.origins[name], studio, name) }
    }

    /// A model tuned before the region emphasis existed has none (the bare mask); a wrong one names its key.
    func testRegionEmphasisIsOptionalAndChecked() throws {
        let older = try model(studioJSON: "{\"regional\": {\"inject_steps\": 3, \"block_interval\": 2}}")
        XCTAssertEqual(try ModelDefaults(modelDirectory: older).regional.regionEmphasis, 0)
        let wrong = try model(studioJSON: "{\"regional\": {\"inject_steps\": 3, \"block_interval\": 2, \"region_emphasis\": 40}}")
        XCTAssertThrowsError(try ModelDefaults(modelDirectory: wrong)) { error in
            XCTAssertTrue("\(error)".contains("studio.json: key 'regional.region_emphasis': must be between 0 and 20 (got 40.0)"), "\(error)")
        }
    }

    func testStudioJSONNamingOnlySomeKeysLeavesTheRestToTheModelAndFallbacks() throws {
        let directory = try model(sampleSize: 16, schedulerShift: 2.5, studioJSON: "{\"steps\": 9}")
        let p = try ModelDefaults(modelDirectory: directory).parameters
        XCTAssertEqual(p.steps, 9)
        XCTAssertEqual(p.shift, 2.5)
        XCTAssertEqual(p.guidance, 4)
        XCTAssertEqual([p.width, p.height], [64, 64])
    }

    func testAWrongValueIsReportedAgainstTheFileItCameFrom() throws {
        let directory = try model(studioJSON: "{\"width\": 30}")
        let defaults = try ModelDefaults(modelDirectory: directory)
        let studioError = "\(defaults.error(for: "size", reason: "must be a multiple of 16"))"
        XCTAssertEqual(studioError, directory.appendingPathComponent("studio.json").path
                       + ": key 'width/height': must be a multiple of 16; fix or delete the file")
        let shiftError = "\(defaults.error(for: "shift", reason: "too large"))"
        XCTAssertTrue(shiftError.contains("shift") && shiftError.contains("too large"), shiftError)
        XCTAssertThrowsError(try ModelDefaults(modelDirectory: try model(studioJSON: "{\"steps\": 0}"))) { error in
            XCTAssertTrue("\(error)".contains("studio.json: key 'steps'"), "\(error)")
        }
    }

    func testTheShippedModelGetsItsStudioJSON() throws {
        let defaults = try ModelDefaults(model: nil)
        let shipped = try JSONSerialization.jsonObject(
            with: Data(contentsOf: try DefaultModel.directory().appendingPathComponent("studio.json"))) as! [String: Any]
        XCTAssertEqual(defaults.parameters.steps, shipped["steps"] as? Int)
        XCTAssertEqual(defaults.parameters.guidance, shipped["guidance"] as? Double)
        XCTAssertEqual(defaults.parameters.shift, shipped["shift"] as? Double)
        XCTAssertEqual(defaults.parameters.width, shipped["width"] as? Int)
    }

    func testAPresetLeavesToTheModelWhatItDoesNotState() throws {
        let (loaded, _) = try PresetLoader().load(text: "[settings]\nsteps = 5\nseed_policy = \"fixed\"\n", file: "quick.toml", source: .builtIn(path: "quick.toml"))
        let directory = try model(sampleSize: 16, schedulerShift: 2.5, studioJSON: "{\"guidance\": 3, \"steps\": 30}")
        let preset = loaded.resolved(with: try ModelDefaults(modelDirectory: directory))
        XCTAssertEqual(preset.settings.steps, 5, "stated by the preset")
        XCTAssertEqual(preset.settings.seedPolicy, .fixed, "stated by the preset")
        XCTAssertEqual(preset.settings.guidance, 3, "the model's studio.json")
        XCTAssertEqual(preset.settings.shift, 2.5, "the model's scheduler")
        XCTAssertEqual(preset.settings.width, 64, "the model's sample size")

        let made = Preset(name: "code", description: "", settings: PresetSettings(steps: 11, shift: 1), source: .builtIn(path: "code.toml"))
        XCTAssertEqual(made.resolved(with: try ModelDefaults(modelDirectory: directory)), made,
                       "a preset made in code has whole settings")
    }
}
