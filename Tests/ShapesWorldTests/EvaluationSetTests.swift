import Foundation
import XCTest
@testable import ShapesWorld

/// The fixed caption set shipped beside the built-in model (Models/shapes-mmdit/eval-captions-v1.json,
/// written by Training/make_eval_captions.py) and its loader.
final class EvaluationSetTests: XCTestCase {
    private static let shipped = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/shapes-mmdit").appendingPathComponent(EvaluationSet.defaultFileName)

    func testShippedSetCoversTheWorldEvenly() throws {
        let set = try EvaluationSet(contentsOf: Self.shipped)
        XCTAssertEqual(set.version, "eval-captions-v1")
        for k in 1...3 { XCTAssertEqual(set.items.filter { $0.objects.count == k }.count, 200, "\(k)-object items") }
        let objects = set.items.flatMap(\.objects)
        func spread<T: Hashable>(_ values: [T], of all: [T]) {
            let counts = Dictionary(grouping: values, by: { $0 }).mapValues(\.count)
            XCTAssertEqual(Set(counts.keys), Set(all), "every value occurs")
            let mean = Double(values.count) / Double(all.count)
            for (value, count) in counts { XCTAssertEqual(Double(count), mean, accuracy: 0.1 * mean, "\(value)") }
        }
        spread(objects.map(\.position), of: ShapesWorld.positions.map(\.phrase))
        spread(objects.map(\.size), of: ShapesWorld.Size.allCases)
        spread(objects.map(\.colour), of: ShapesWorld.objectColours.map(\.name))
        spread(objects.map(\.shape), of: ShapesWorld.Shape.allCases)
        spread(set.items.map(\.background), of: ShapesWorld.backgrounds.map(\.name))
    }

    /// Every fourth item (all of them take 15 s in a debug build; `make_eval_captions.py` checks them all).
    func testGroundTruthRendersAdhereWithNoErrors() throws {
        let set = try EvaluationSet(contentsOf: Self.shipped)
        let detector = Detector()
        for item in set.items where item.id % 4 == 0 {
            let d = detector.diagnose(pixels: item.scene.render(), width: 64, height: 64, caption: try Caption(parsing: item.caption))
            XCTAssertTrue(d.judgement.adheres, "item \(item.id): \(item.caption)")
            XCTAssertEqual(d.errors, [], "item \(item.id)")
        }
    }

    func testFirstPerCountKeepsFileOrder() throws {
        let set = try EvaluationSet(contentsOf: Self.shipped)
        let subset = set.firstPerCount(3)
        XCTAssertEqual(subset.items.count, 9)
        for k in 1...3 {
            XCTAssertEqual(subset.items.filter { $0.objects.count == k }.map(\.id),
                           Array(set.items.filter { $0.objects.count == k }.prefix(3).map(\.id)))
        }
        XCTAssertEqual(set.firstPerCount(nil).items.count, set.items.count)
    }

    // MARK: wrong files: one-line messages naming the file and the item

    private func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("set-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private let item = #"{"id": 0, "seed": 5, "caption": "a small red circle at the top on a white background", "background": "white", "objects": [{"size": "small", "colour": "red", "shape": "circle", "position": "at the top", "cx": 0.5, "cy": 0.25}]}"#

    func testAValidMinimalSetLoads() throws {
        let set = try EvaluationSet(contentsOf: try write(#"{"version": "t", "items": [\#(item)]}"#))
        XCTAssertEqual(set.items.map(\.seed), [5])
    }

    func testMismatchedCaptionDuplicateSeedAndBadValuesAreRejected() throws {
        let cases: [(String, String)] = [
            (#"{"version": "t", "items": [\#(item.replacingOccurrences(of: "small red circle at", with: "small blue circle at"))]}"#,
             "not its scene's canonical caption"),
            (#"{"version": "t", "items": [\#(item), \#(item.replacingOccurrences(of: #""id": 0"#, with: #""id": 1"#))]}"#,
             "seed 5 used twice"),
            (#"{"version": "t", "items": [\#(item.replacingOccurrences(of: #""shape": "circle""#, with: #""shape": "star""#))]}"#,
             "items[0].objects[0].shape"),
            (#"{"items": []}"#, "missing key “version”"),
            (#"{"version": "t", "items": []}"#, "no items"),
        ]
        for (text, expected) in cases {
            let url = try write(text)
            XCTAssertThrowsError(try EvaluationSet(contentsOf: url)) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix(url.path), message)
                XCTAssertTrue(message.contains(expected), "“\(message)” should say “\(expected)”")
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
    }

    func testAMissingFileSaysWhatToDo() {
        let url = URL(fileURLWithPath: "/nonexistent/eval.json")
        XCTAssertThrowsError(try EvaluationSet(contentsOf: url)) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/eval.json"))
            XCTAssertTrue("\(error)".contains("--captions"))
        }
    }
}
