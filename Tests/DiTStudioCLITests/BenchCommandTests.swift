import Foundation
import XCTest

/// `dit-studio bench` with small settings on the tiny reference model: the table has every row,
/// each a label padded to 40 columns and a positive measurement, the jobs table a row per job with
/// its peak memory, and nothing is skipped.
final class BenchCommandTests: XCTestCase {
    func testAQuickBenchPrintsEveryRow() throws {
        let result = try runDiTStudio(["bench", "--model", fixtureModel.path, "--steps", "1", "--runs", "1", "--threads", "1",
                                       "--size", "32x32", "--cfg", "2"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.first)
        XCTAssertTrue(header.hasPrefix("dit-studio bench: latent_vae_a ("), header)
        // 32×32 pixels, VAE factor 4, patch 2: 8×8 latent cells sampled, 16 image tokens; the text
        // encoder's 16 positions; CFG 2 runs the batch of two.
        XCTAssertTrue(header.contains("32x32 → 4×8×8 sampled, 16 image + 16 text tokens, batch 2 (cfg 2.0), 1 steps, 1 thread(s)"), header)

        let expectedRows = ["sgemm 1024³ (best of 5)", "model load", "transformer forward (batch 2)", "sampling loop (1 steps)",
                            "VAE decode", "full generation (encode, loop, decode)", "`dit-studio generate` process (whole)"]
        let sections = result.standardOutput.components(separatedBy: "\n\n")
        XCTAssertEqual(sections.count, 2, result.standardOutput)
        let rows = Array(sections[0].split(separator: "\n").map(String.init).dropFirst())
        XCTAssertEqual(rows.count, expectedRows.count, result.standardOutput)
        for (row, label) in zip(rows, expectedRows) {
            XCTAssertTrue(row.hasPrefix(label.padding(toLength: 40, withPad: " ", startingAt: 0)), "“\(row)” starts with “\(label)”")
            let value = row.dropFirst(40).trimmingCharacters(in: .whitespaces).split(separator: " ").first.flatMap { Double($0) }
            XCTAssertNotNil(value, "a number in column 41: \(row)")
            XCTAssertGreaterThan(value ?? 0, 0, row)
        }
        XCTAssertFalse(result.standardOutput.contains("skipped") || result.standardOutput.contains("failed"), result.standardOutput)

        // The jobs table, in Markdown: plain, regional and inpaint rows, 10 columns each, 1 step run,
        // a peak memory in MiB (from a process of its own) and no PyTorch columns without --compare.
        let table = sections[1].split(separator: "\n").map(String.init).filter { $0.hasPrefix("| ") }
        XCTAssertEqual(table.count, 4, sections[1])
        for (line, label) in zip(table.dropFirst(), ["plain", "regional (2 regions)", "inpaint (strength 1)"]) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertEqual(cells.count, 10, line)
            XCTAssertEqual(cells.first, label)
            XCTAssertEqual(cells[1], "1", line)
            let rss = Double(cells[4].replacingOccurrences(of: " MiB", with: "")) ?? 0
            XCTAssertGreaterThan(rss, 1, line)
            XCTAssertTrue(cells[9].hasPrefix("—"), line)
        }
    }
}
