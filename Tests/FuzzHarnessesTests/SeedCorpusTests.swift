import Foundation
import XCTest
import FuzzHarnesses

/// The committed seed corpus (`Fuzz/Corpus/<target>/`) through the harnesses, without libFuzzer:
/// every seed must give its own target's expected outcome (`ok-*` accepted, `bad-*` rejected,
/// other names, such as regressions the fuzzer found, either), and no seed may crash any harness.
final class SeedCorpusTests: XCTestCase {
    private let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    private func seeds(of target: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus.appendingPathComponent(target), includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testEveryTargetHasSeedsAndEverySeedFolderATarget() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(folders, FuzzTarget.all.map(\.name).sorted())
        XCTAssertEqual(Set(FuzzTarget.all.map(\.name)).count, FuzzTarget.all.count, "target names must be unique")
        for target in FuzzTarget.all {
            let names = try seeds(of: target.name).map(\.lastPathComponent)
            XCTAssertTrue(names.contains { $0.hasPrefix("ok-") }, "\(target.name) needs a valid seed")
            XCTAssertTrue(names.contains { $0.hasPrefix("bad-") } || target.name == "a1111-parameters",
                          "\(target.name) needs a broken seed (only the A1111 reader accepts everything)")
        }
    }

    func testEverySeedGivesItsTargetsExpectedOutcome() throws {
        for target in FuzzTarget.all {
            for seed in try seeds(of: target.name) {
                let name = seed.lastPathComponent
                let outcome = target.run(Array(try Data(contentsOf: seed)))
                if name.hasPrefix("ok-") {
                    XCTAssertEqual(outcome, .accepted, "\(target.name)/\(name)")
                } else if name.hasPrefix("bad-") {
                    guard case let .rejected(message) = outcome else {
                        XCTFail("\(target.name)/\(name) was accepted"); continue
                    }
                    XCTAssertFalse(message.isEmpty, "\(target.name)/\(name) was refused without a message")
                }
            }
        }
    }

    /// Every seed of every target into every harness (a PNG is a broken TOML file, and so on):
    /// nothing crashes, and whatever is refused is refused with a message.
    func testNoSeedCrashesAnyHarness() throws {
        let all = try FuzzTarget.all.flatMap { try seeds(of: $0.name) }.map { Array(try Data(contentsOf: $0)) }
        for target in FuzzTarget.all {
            for input in all + [[], [0], Array("{}".utf8)] {
                if case let .rejected(message) = target.run(input) {
                    XCTAssertFalse(message.isEmpty, "\(target.name) refused \(input.count) bytes without a message")
                }
            }
        }
    }

    func testTargetsAreFoundByName() {
        XCTAssertEqual(FuzzTarget.named("png")?.name, "png")
        XCTAssertNil(FuzzTarget.named("gif"))
    }
}
