import Foundation
import XCTest
@testable import StudioCore

/// Theme files: the shipped four, colour mapping for 256/16-colour terminals, NO_COLOR, user
/// themes inheriting colours, and bad files.
final class ThemeTests: XCTestCase {
    private var shippedDirectory: URL { BuiltInResources.sourceTreeRoot.appendingPathComponent("Themes") }

    private func load(_ text: String, bases: [String: Theme] = [Theme.fallback.name: Theme.fallback]) throws -> (Theme, [ConfigWarning]) {
        try ThemeLoader(bases: bases).load(text: text, file: "mine.toml", source: .user(path: "mine.toml"))
    }

    private func refusal(_ text: String) -> String {
        do {
            _ = try load(text)
            XCTFail("accepted: \(text)")
            return ""
        } catch {
            return "\(error)"
        }
    }

    func testTheFourShippedThemesLoadCompletely() throws {
        let catalog = ThemeCatalog.load(builtIn: shippedDirectory, user: nil)
        XCTAssertEqual(catalog.problems, [])
        XCTAssertEqual(catalog.warnings, [], "every shipped theme sets every role and region itself")
        XCTAssertEqual(catalog.themes.map(\.name), ["contrast", "dusk", "mono", "paper"])
        XCTAssertEqual(catalog.themes.map(\.isMonochrome), [false, false, true, false])
        XCTAssertTrue(catalog.themes.allSatisfy { !$0.description.isEmpty && $0.regions.count == 8 })
        let dusk = try catalog.select(requested: "dusk", environment: [:])
        XCTAssertEqual(dusk.colors, Theme.fallback.colors, "the built-in fallback is dusk.toml, exactly")
        XCTAssertEqual(dusk.regions, Theme.fallback.regions)
    }

    func testColoursMapToTheNearestXtermAndANSIColours() {
        // xterm's palette: cube levels 0, 95, 135, 175, 215, 255 at 16 + 36r + 6g + b; grays 8 + 10i at 232 + i.
        // The 16-colour expectations are colours xterm's 16 have exactly (or within 1: #808080 vs 127).
        let cases: [(String, UInt8, UInt8?)] = [
            ("#ff0000", 196, 9), ("#000000", 16, 0), ("#ffffff", 231, 15), ("#808080", 244, 8),
            ("#00ff00", 46, 10), ("#5f87af", 67, nil), ("#87875f", 101, nil), ("#080808", 232, nil), ("#eeeeee", 255, nil),
        ]
        for (hex, xterm, ansi) in cases {
            let color = ThemeColor(ThemeColor.parseHex(hex)!)
            XCTAssertEqual(color.xterm256, xterm, hex)
            if let ansi { XCTAssertEqual(color.ansi16, ansi, hex) }
            XCTAssertEqual(color.hex, hex)
        }
        let accent = ThemeColor(RGB8(232, 161, 87))
        XCTAssertEqual(accent.cellColor(for: .trueColor), .rgb(RGB8(232, 161, 87)))
        XCTAssertEqual(accent.cellColor(for: .xterm256), .indexed(accent.xterm256))
        XCTAssertEqual(accent.cellColor(for: .ansi16), .indexed(accent.ansi16))
        XCTAssertEqual(accent.cellColor(for: .monochrome), .terminalDefault)
        XCTAssertTrue((16...255).contains(accent.xterm256))
        XCTAssertEqual(ThemeColor(RGB8(59, 64, 80), ansi16: 8).ansi16, 8, "a theme may name the 16-colour index")
        XCTAssertNil(ThemeColor.parseHex("#12345"))
        XCTAssertNil(ThemeColor.parseHex("#12345g"))
        XCTAssertEqual(ThemeColor.parseHex("e8A157"), RGB8(0xe8, 0xa1, 0x57))
    }

    func testNoColorSelectsMonoUnlessAThemeIsNamed() throws {
        let catalog = ThemeCatalog.load(builtIn: shippedDirectory, user: nil)
        XCTAssertEqual(try catalog.select(requested: nil, environment: [:]).name, "dusk")
        XCTAssertEqual(try catalog.select(requested: nil, environment: ["NO_COLOR": "1"]).name, "mono")
        XCTAssertEqual(try catalog.select(requested: nil, environment: ["NO_COLOR": ""]).name, "dusk", "an empty NO_COLOR does not count")
        XCTAssertEqual(try catalog.select(requested: "paper", environment: ["NO_COLOR": "1"]).name, "paper")
        XCTAssertThrowsError(try catalog.select(requested: "papr", environment: [:])) { error in
            XCTAssertEqual("\(error)", "no theme called 'papr' (did you mean 'paper'?); available: contrast, dusk, mono, paper")
        }
        let mono = try catalog.select(requested: "mono", environment: [:])
        XCTAssertEqual(mono.cellColor(.accent, mode: .trueColor), .terminalDefault)
        XCTAssertEqual(mono.attributes(.selection, mode: .trueColor), .reverse)
        XCTAssertEqual(mono.attributes(.accent, mode: .trueColor), .bold)
        XCTAssertEqual(ThemeCatalog.load(builtIn: nil, user: nil).themes, [])
        XCTAssertEqual(try ThemeCatalog.load(builtIn: nil, user: nil).select(requested: nil, environment: [:]), Theme.fallback)
    }

    func testRegionColoursWrapAfterEight() {
        let theme = Theme.fallback
        XCTAssertEqual(theme.region(1), theme.regions[0])
        XCTAssertEqual(theme.region(8), theme.regions[7])
        XCTAssertEqual(theme.region(9), theme.regions[0])
    }

    func testAUserThemeInheritsWhatItDoesNotSay() throws {
        let catalog = ThemeCatalog.load(builtIn: shippedDirectory, user: nil)
        let bases = Dictionary(uniqueKeysWithValues: catalog.themes.map { ($0.name, $0) })
        let (explicit, quiet) = try load("inherits = \"paper\"\n[colors]\naccent = \"#ff00ff\"\nregions = [\"#010203\"]", bases: bases)
        XCTAssertEqual(quiet, [], "inheriting on purpose is not worth a warning")
        XCTAssertEqual(explicit[.accent].rgb, RGB8(255, 0, 255))
        XCTAssertEqual(explicit[.background], bases["paper"]?[.background])
        XCTAssertEqual(explicit.regions.first?.rgb, RGB8(1, 2, 3))
        XCTAssertEqual(Array(explicit.regions.dropFirst()), Array(bases["paper"]!.regions.dropFirst()))

        let (implicit, warnings) = try load("name = \"mine\"\n[colors]\ntext = \"#ffffff\"")
        XCTAssertEqual(implicit[.background], Theme.fallback[.background])
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].description.hasPrefix("mine.toml:2: warning: no colour for background, muted, accent, border, "),
                      warnings[0].description)
        XCTAssertTrue(warnings[0].description.hasSuffix("regions 1–8; taken from 'dusk' (say `inherits = \"dusk\"` to make that explicit)"),
                      warnings[0].description)
    }

    func testBadThemeFilesNameTheFileLineAndKey() {
        XCTAssertEqual(refusal("[colors]\naccent = \"#12345g\""),
                       "mine.toml:2: key 'colors.accent': '#12345g' is not a colour: write #rrggbb, e.g. \"#e8a157\"")
        XCTAssertEqual(refusal("[colors]\naccent = 3"), "mine.toml:2: key 'colors.accent': expected a string, found an integer")
        XCTAssertEqual(refusal("[colors]\nregions = [\"#000000\", \"blue\"]"),
                       "mine.toml:2: key 'colors.regions': colour 2 is not a colour: write #rrggbb")
        XCTAssertEqual(refusal("[colors]\nregions = [" + Array(repeating: "\"#000000\"", count: 9).joined(separator: ", ") + "]"),
                       "mine.toml:2: key 'colors.regions': at most 8 colours (got 9)")
        XCTAssertEqual(refusal("[ansi16]\nborder = 16"), "mine.toml:2: key 'ansi16.border': must be between 0 and 15 (got 16)")
        XCTAssertEqual(refusal("inherits = \"papr\""), "mine.toml:1: key 'inherits': no theme called 'papr'")
        XCTAssertEqual(refusal("monochrome = \"yes\""), "mine.toml:1: key 'monochrome': expected true or false, found a string")
        let invalid = refusal("[colors\naccent = \"#ffffff\"")
        XCTAssertTrue(invalid.hasPrefix("mine.toml:1:"), invalid)
        XCTAssertTrue(invalid.contains("invalid TOML"), invalid)
    }

    func testUnknownRolesAreWarnedAboutWithASuggestion() throws {
        let (_, warnings) = try load("inherits = \"dusk\"\n[colors]\nbackgroud = \"#000000\"\n[ansi16]\nbordr = 8")
        XCTAssertEqual(warnings.map(\.description), [
            "mine.toml:5: warning: unknown key 'ansi16.bordr' ignored (did you mean 'border'?)",
            "mine.toml:3: warning: unknown key 'colors.backgroud' ignored (did you mean 'background'?)",
        ])
    }

    func testUserThemesReplaceBuiltInOnesByNameAndBadOnesAreListed() throws {
        let user = try makeTemporaryDirectory(for: self)
        try "description = \"my dusk\"\ninherits = \"paper\"".write(to: user.appendingPathComponent("dusk.toml"), atomically: true, encoding: .utf8)
        try "[colors]\naccent = \"nope\"".write(to: user.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        let catalog = ThemeCatalog.load(builtIn: shippedDirectory, user: user)
        XCTAssertEqual(catalog.themes.map(\.name), ["contrast", "dusk", "mono", "paper"])
        let dusk = try catalog.select(requested: nil, environment: [:])
        XCTAssertEqual(dusk.description, "my dusk")
        XCTAssertEqual(dusk.source, .user(path: user.appendingPathComponent("dusk.toml").path))
        XCTAssertEqual(dusk[.background], try catalog.select(requested: "paper", environment: [:])[.background])
        XCTAssertEqual(catalog.problems.map(\.file), [user.appendingPathComponent("broken.toml").path])
    }
}
