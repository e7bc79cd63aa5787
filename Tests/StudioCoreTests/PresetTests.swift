import DiTEngine
import Foundation
import XCTest
@testable import StudioCore

/// Preset files: the shipped ones load and run (fake engine), plans expand seeds and sweeps, and
/// bad files are refused with file, line and key (or warned about, for unknown keys).
final class PresetTests: XCTestCase {
    private let loader = PresetLoader()
    private var shippedDirectory: URL { BuiltInResources.sourceTreeRoot.appendingPathComponent("Presets") }

    private func load(_ text: String, file: String = "test.toml") throws -> (Preset, [ConfigWarning]) {
        try loader.load(text: text, file: file, source: .user(path: file))
    }

    /// The error `text` is refused with, as the user reads it.
    private func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try load(text)
            XCTFail("accepted", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Shipped presets

    func testTheShippedPresetsLoadCleanly() throws {
        let catalog = PresetCatalog.load(builtIn: shippedDirectory, user: nil, capabilities: DiTGenerationEngine.capabilities)
        XCTAssertEqual(catalog.problems, [])
        XCTAssertEqual(catalog.warnings, [])
        let counts = Dictionary(uniqueKeysWithValues: catalog.presets.map { ($0.name, $0.jobCount) })
        XCTAssertEqual(counts, ["batch-of-eight": 8, "draft": 1, "draft-then-final": 2, "final": 1, "guidance-sweep": 6,
                                "on-white": 4, "shift-study": 5, "steps-ladder": 4,
                                "recolour-each": 3, "background-sweep": 4, "draft-fix-variations": 6,
                                "layout-two-columns": 1, "layout-three-corners": 1])
        // An engine without editing refuses the editing presets by name, at load.
        let textOnly = PresetCatalog.load(builtIn: shippedDirectory, user: nil, capabilities: .generateOnly)
        XCTAssertEqual(textOnly.problems.count, 5)
        XCTAssertTrue(catalog.presets.allSatisfy { !$0.description.isEmpty && $0.settings.prompt != nil })
        XCTAssertTrue(catalog.presets.allSatisfy { if case .builtIn = $0.source { return true } else { return false } })
    }

    func testEveryShippedPresetRunsToTheEndWithTheFakeEngine() throws {
        let fixture = try StudioFixture(testCase: self)
        let catalog = PresetCatalog.load(builtIn: shippedDirectory, user: nil)
        var quick = SettingsPatch()
        quick.steps = 2
        for preset in catalog.presets {
            let session = try fixture.createSession(worker: fixture.makeWorker(previews: .never))
            var queuedOperations: [Int] = []
            let report = try PresetRunner(session: session).run(preset, prompt: nil, seed: 100, overrides: quick, timeout: 30) { event in
                if case let .queued(operation, _, _, _) = event { queuedOperations.append(operation) }
            }
            XCTAssertTrue(report.succeeded, "\(preset.name): \(report.failures)")
            XCTAssertEqual(report.outputs.count, preset.jobCount, preset.name)
            XCTAssertEqual(queuedOperations, Array(1...preset.effectiveOperations.count), preset.name)
            for url in report.outputs {
                let metadata = try ImageMetadata(contentsOf: url)
                XCTAssertEqual(metadata.provenance?.parameters.steps, 2, preset.name)
                XCTAssertEqual(metadata.provenance?.parameters.prompt,
                               preset.settings.expandedPrompt(try XCTUnwrap(preset.settings.prompt)), preset.name)
            }
            session.close()
        }
    }

    // MARK: - Plans

    func testASweepKeepsOneSeedAndVariesOneParameter() throws {
        let preset = try PresetCatalog.load(builtIn: shippedDirectory, user: nil).preset(named: "guidance-sweep")
        var generator = SeededGenerator(seed: 1)
        let plan = try preset.plan(prompt: "a small red circle", seed: 77, using: &generator)
        let requests = plan.allRequests
        XCTAssertEqual(requests.map(\.parameters.guidance), [1, 2, 3, 4, 6, 8])
        XCTAssertTrue(requests.allSatisfy { $0.parameters.seed == 77 && $0.seedPolicy == .fixed && $0.count == 1 })
        XCTAssertEqual(requests.map(\.label), [1, 2, 3, 4, 6, 8].map { "preset guidance-sweep · cfg \($0)" })
        XCTAssertEqual(requests.first?.parameters.prompt, "a small red circle")
    }

    func testIncrementingSeedsCountAcrossTheWholeScript() throws {
        let (preset, _) = try load("""
            [settings]
            seed = 10
            seed_policy = "increment"
            prompt = "x"
            [[operations]]
            op = "batch"
            count = 3
            [[operations]]
            op = "sweep"
            parameter = "steps"
            values = [2, 4]
            """)
        var generator = SeededGenerator(seed: 1)
        let plan = try preset.plan(prompt: nil, using: &generator)
        XCTAssertEqual(plan.steps.map { $0.requests.map(\.parameters.seed) }, [[10], [13, 14]])
        XCTAssertEqual(plan.steps.map { $0.requests.map(\.count) }, [[3], [1, 1]])
        XCTAssertEqual(plan.steps[1].requests.map(\.parameters.steps), [2, 4])
    }

    func testARandomFirstSeedIsDrawnWhenNoneIsGivenAndAFixedScriptReusesIt() throws {
        let preset = try PresetCatalog.load(builtIn: shippedDirectory, user: nil).preset(named: "draft-then-final")
        var generator = SeededGenerator(seed: 5)
        let plan = try preset.plan(prompt: nil, using: &generator)
        // The first draw from seed 5: SplitMix64 and Swift's bounded draw for 2³² (the top 32 bits), in python:
        //   s = (seed + 0x9E3779B97F4A7C15·k) mod 2⁶⁴; z = (s ^ s>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>27)·0x94D049BB133111EB;
        //   (z ^ z>>31) >> 32   for k = 1, 2, …
        let seed: UInt64 = 1_661_156_108
        XCTAssertEqual(plan.allRequests.map(\.parameters.seed), [seed, seed])
        XCTAssertEqual(plan.allRequests.map(\.parameters.steps), [8, 40])
        XCTAssertEqual(plan.allRequests.map(\.parameters.sampler), [.euler, .heun])
        XCTAssertEqual(plan.steps.map(\.label), ["draft", "final"])
    }

    func testThePromptTemplateWrapsThePrompt() throws {
        let preset = try PresetCatalog.load(builtIn: shippedDirectory, user: nil).preset(named: "on-white")
        var generator = SeededGenerator(seed: 1)
        let plan = try preset.plan(prompt: "a large red circle at the top left", seed: 1, using: &generator)
        XCTAssertEqual(plan.allRequests.first?.parameters.prompt, "a large red circle at the top left on a white background")
        XCTAssertEqual(plan.allRequests.first?.count, 4)
    }

    func testAPresetWithoutAPromptNeedsOne() throws {
        let (preset, _) = try load("[settings]\nsteps = 3\n", file: "plain.toml")
        var generator = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try preset.plan(prompt: nil, using: &generator)) { error in
            XCTAssertEqual(error as? PresetError, .missingPrompt(name: "plain"))
            XCTAssertEqual("\(error)", "preset 'plain' has no default prompt: give one with --prompt")
        }
    }

    // MARK: - Bad input

    func testInvalidTOMLNamesTheFileTheLineAndShowsIt() {
        let message = refusal("name = \"x\"\n[settings]\nsteps = = 3\n")
        XCTAssertTrue(message.hasPrefix("test.toml:3:"), message)
        XCTAssertTrue(message.contains("invalid TOML"), message)
        XCTAssertTrue(message.hasSuffix("(in `steps = = 3`)"), message)
    }

    func testUnknownKeysAreWarnedAboutWithASuggestion() throws {
        let (preset, warnings) = try load("""
            name = "w"
            descripton = "typo"
            [settings]
            steps = 5
            guidence = 7
            [[operations]]
            op = "generate"
            lable = "x"
            """)
        XCTAssertEqual(preset.settings.steps, 5)
        XCTAssertEqual(preset.settings.guidance, 4, "the misspelt key is ignored")
        XCTAssertEqual(warnings.map(\.description), [
            "test.toml:2: warning: unknown key 'descripton' ignored (did you mean 'description'?)",
            "test.toml:5: warning: unknown key 'settings.guidence' ignored (did you mean 'guidance'?)",
            "test.toml:8: warning: unknown key 'operations.1.lable' ignored (did you mean 'label'?)",
        ])
    }

    func testValuesOutOfRangeNameTheFileLineAndKey() {
        let cases: [(String, String)] = [
            ("[settings]\nsteps = 0", "test.toml:2: key 'settings.steps': must be between 1 and 10000 (got 0)"),
            ("[settings]\nguidance = -1.5", "test.toml:2: key 'settings.guidance': must be a number between 0 and 100 (got -1.5)"),
            ("[settings]\nshift = 0", "test.toml:2: key 'settings.shift': must be a number between 0.01 and 100 (got 0.0)"),
            ("[settings]\nsize = \"64x\"", "test.toml:2: key 'settings.size': '64x' is not a size: write WIDTHxHEIGHT, each 1 to 8192, e.g. \"64x64\""),
            ("[settings]\nsize = \"0x64\"", "test.toml:2: key 'settings.size': '0x64' is not a size: write WIDTHxHEIGHT, each 1 to 8192, e.g. \"64x64\""),
            ("[settings]\ncount = 0", "test.toml:2: key 'settings.count': must be between 1 and 1000 (got 0)"),
            ("[settings]\nseed = -5", "test.toml:2: key 'settings.seed': must be ≥ 0 (got -5)"),
            ("[settings]\nsteps = \"8\"", "test.toml:2: key 'settings.steps': expected an integer, found a string"),
            ("[settings]\nsampler = \"eulr\"", "test.toml:2: key 'settings.sampler': 'eulr' is not one of euler, heun (did you mean 'euler'?)"),
            ("[settings]\nseed_policy = \"randon\"",
             "test.toml:2: key 'settings.seed_policy': 'randon' is not one of fixed, increment, random (did you mean 'random'?)"),
            ("[settings]\nprompt_template = \"flat colours\"",
             "test.toml:2: key 'settings.prompt_template': must contain {prompt}, where the prompt goes"),
            ("[settings]\ncaching = \"fast\"",
             "test.toml:2: key 'settings.caching': feature caching 'fast' is not available in this engine yet (available: off)"),
            ("name = \"\"", "test.toml:1: key 'name': must not be empty"),
            ("[[operations]]\nop = \"sweep\"\nparameter = \"guidance\"\nvalues = [1.0, -1.0]",
             "test.toml:4: key 'operations.1.values': value 2: must be a number between 0 and 100 (got -1.0)"),
            ("[[operations]]\nop = \"sweep\"\nparameter = \"sampler\"\nvalues = [\"heun\", \"ddim\"]",
             "test.toml:4: key 'operations.1.values': value 2: 'ddim' is not one of euler, heun"),
            ("[[operations]]\nop = \"sweep\"\nparameter = \"cfg\"\nvalues = [1]",
             "test.toml:3: key 'operations.1.parameter': 'cfg' is not one of guidance, shift, steps, sampler"),
            ("[[operations]]\nop = \"sweep\"\nparameter = \"steps\"",
             "test.toml: key 'operations.1.values' is missing: a sweep lists at least one value"),
            ("[[operations]]\nop = \"batch\"", "test.toml: key 'operations.1.count' is missing: a batch says how many seeds to run"),
            ("[[operations]]\nop = \"generate\"\nvalues = [1]", "test.toml:3: key 'operations.1.values': only a sweep has 'values' (this operation is 'generate')"),
            ("[[operations]]\nlabel = \"x\"",
             "test.toml: key 'operations.1.op' is missing: every operation names what it does: generate, batch, sweep, regional, img2img, inpaint, inject, variation"),
            ("[settings]\ncount = 600\n[[operations]]\nop = \"sweep\"\nparameter = \"steps\"\nvalues = [1, 2]",
             "test.toml:3: key 'operations': the preset would make 1200 jobs; at most 1000"),
            ("operations = 3", "test.toml:1: key 'operations': expected an array of tables ([[operations]]), found an integer"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(refusal(text), expected, text)
        }
    }

    /// With an engine that only generates from text (the loader's default here).
    func testOperationsTheEngineCannotRunAreRefusedAtLoadSayingSo() {
        XCTAssertEqual(refusal("[[operations]]\nop = \"generate\"\n[[operations]]\nop = \"inject\"\nsource_prompt = \"red\""),
                       "test.toml:4: key 'operations.2.op': editing (attention-injection editing) is not available in this engine yet; "
                       + "this preset cannot run until it is")
        XCTAssertEqual(refusal("[[operations]]\nop = \"regional\""),
                       "test.toml:2: key 'operations.1.op': regional prompting is not available in this engine yet; this preset cannot run until it is")
        XCTAssertEqual(refusal("[[operations]]\nop = \"img2img\"\nstrength = 0.5"),
                       "test.toml:2: key 'operations.1.op': editing (img2img) is not available in this engine yet; this preset cannot run until it is")
        XCTAssertEqual(refusal("[[operations]]\nop = \"genrate\""),
                       "test.toml:2: key 'operations.1.op': unknown operation 'genrate' (did you mean 'generate'?); one of generate, batch, "
                       + "sweep, regional, img2img, inpaint, inject, variation")
    }

    func testTheCatalogPrefersUserPresetsAndListsRefusedFiles() throws {
        let root = try makeTemporaryDirectory(for: self)
        let builtIn = root.appendingPathComponent("builtin"), user = root.appendingPathComponent("user")
        try FileManager.default.createDirectory(at: builtIn, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        try "description = \"shipped\"".write(to: builtIn.appendingPathComponent("alpha.toml"), atomically: true, encoding: .utf8)
        try "description = \"shipped\"".write(to: builtIn.appendingPathComponent("beta.toml"), atomically: true, encoding: .utf8)
        try "description = \"mine\"".write(to: user.appendingPathComponent("alpha.toml"), atomically: true, encoding: .utf8)
        try "[settings]\nsteps = 0".write(to: user.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        try "not a preset".write(to: user.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)

        let catalog = PresetCatalog.load(builtIn: builtIn, user: user)
        XCTAssertEqual(catalog.presets.map(\.name), ["alpha", "beta"])
        XCTAssertEqual(catalog.presets.map(\.description), ["mine", "shipped"])
        XCTAssertEqual(catalog.presets.map(\.source.description), ["user", "built-in"])
        XCTAssertEqual(catalog.problems.map(\.description),
                       ["\(user.path)/broken.toml:2: key 'settings.steps': must be between 1 and 10000 (got 0)"])
        XCTAssertThrowsError(try catalog.preset(named: "alpah")) { error in
            XCTAssertEqual("\(error)", "no preset called 'alpah' (did you mean 'alpha'?); available: alpha, beta")
        }
        XCTAssertThrowsError(try catalog.preset(named: "broken")) { error in
            guard case .refused(name: "broken", _)? = error as? PresetError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(PresetCatalog.load(builtIn: root.appendingPathComponent("missing"), user: nil).presets, [])
    }

    // MARK: - Runner

    func testTheRunnerStopsAfterAFailedOperation() throws {
        let fixture = try StudioFixture(testCase: self)
        let session = try fixture.createSession()
        let (preset, _) = try load("""
            [settings]
            prompt = "x"
            steps = 3
            [[operations]]
            op = "generate"
            [[operations]]
            op = "generate"
            """)
        fixture.script.fail(atStep: 2)
        let report = try PresetRunner(session: session).run(preset, prompt: nil, seed: 1, timeout: 30)
        XCTAssertEqual(report.jobs, [JobID(1)], "the second operation never queued")
        XCTAssertEqual(report.failures, [JobID(1): "fake failure at step 2"])
        XCTAssertFalse(report.succeeded)
        XCTAssertEqual(report.outputs, [])
    }

    func testTheRunnerReportsAJobTheSessionRefuses() throws {
        let fixture = try StudioFixture(testCase: self)
        var options = fixture.options
        options.preloadModel = true
        let session = try Session.create(in: fixture.store, worker: fixture.makeWorker(), options: options)
        _ = pump(session) { session.model != nil }
        let (preset, _) = try load("[settings]\nprompt = \"x\"\nsize = \"20x20\"", file: "odd.toml")
        XCTAssertThrowsError(try PresetRunner(session: session).run(preset, prompt: nil)) { error in
            XCTAssertEqual("\(error)", "preset 'odd', operation 1: size: 20x20 does not fit model fake-mmdit: width and height "
                           + "must be positive multiples of 8")
        }
        XCTAssertTrue(session.queue.jobs.isEmpty)
    }

    // MARK: - Finding the built-in folders

    func testBuiltInFoldersAreFoundFromTheExecutableOrTheEnvironment() throws {
        let root = try makeTemporaryDirectory(for: self)
        let presets = root.appendingPathComponent("repo/Presets", isDirectory: true)
        try FileManager.default.createDirectory(at: presets, withIntermediateDirectories: true)
        let executable = root.appendingPathComponent("repo/.build/x86_64-unknown-linux-gnu/debug/dit-studio")
        XCTAssertEqual(BuiltInResources.directory(named: "Presets", environment: [:], executable: executable)?.path, presets.path)
        let installed = root.appendingPathComponent("usr/share/dit-studio/Presets", isDirectory: true)
        try FileManager.default.createDirectory(at: installed, withIntermediateDirectories: true)
        XCTAssertEqual(BuiltInResources.directory(named: "Presets", environment: [:],
                                                  executable: root.appendingPathComponent("usr/bin/dit-studio"))?.path, installed.path)
        XCTAssertEqual(BuiltInResources.directory(named: "Presets", environment: ["DIT_STUDIO_RESOURCES": root.appendingPathComponent("usr/share/dit-studio").path],
                                                  executable: executable)?.path, installed.path)
    }

    func testXDGFoldersFollowTheEnvironment() {
        let paths = StudioPaths(environment: ["HOME": "/home/ada", "XDG_CONFIG_HOME": "/cfg", "XDG_DATA_HOME": "relative/ignored"])
        XCTAssertEqual(paths.userPresetsDirectory.path, "/cfg/dit-studio/presets")
        XCTAssertEqual(paths.userThemesDirectory.path, "/cfg/dit-studio/themes")
        XCTAssertEqual(paths.sessionsDirectory.path, "/home/ada/.local/share/dit-studio/sessions")
        XCTAssertEqual(paths.notices, ["$XDG_DATA_HOME is a relative path ('relative/ignored'), which the XDG Base Directory "
                                       + "specification says to ignore; using /home/ada/.local/share"])
        XCTAssertEqual(StudioPaths(environment: ["HOME": "/home/ada", "XDG_CONFIG_HOME": "", "XDG_DATA_HOME": "/d"]).notices, [],
                       "an empty value means the default, silently")
    }
}

/// "Did you mean" distances.
final class PresetSuggestionTests: XCTestCase {
    func testEditDistanceCountsASwapAsOneEdit() {
        XCTAssertEqual(EditDistance.between("kitten", "sitting"), 3)
        XCTAssertEqual(EditDistance.between("label", "lable"), 1)
        XCTAssertEqual(EditDistance.between("", "abc"), 3)
        XCTAssertEqual(EditDistance.between("same", "same"), 0)
    }

    func testSuggestionsOnlyForPlausibleTypos() {
        XCTAssertEqual(EditDistance.suggestion(for: "Guidence", among: ["steps", "guidance"]), "guidance")
        XCTAssertNil(EditDistance.suggestion(for: "colour", among: ["steps", "guidance"]))
        XCTAssertNil(EditDistance.suggestion(for: "x", among: ["ab"]))
        XCTAssertEqual(EditDistance.hint(for: "stpes", among: ["steps"]), " (did you mean 'steps'?)")
    }
}
