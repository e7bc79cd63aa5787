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

        let expectedRows = ["sgemm 1024³ (best of 5)", "model load", "transformer forward (batch 2)",
                            "regional guided step (2 regions)", "sampling loop (1 steps)",
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

        // The jobs table, in Markdown: plain, regional, inpaint and plain at the default cache levels
        // (fast, faster), 11 columns each, 1 step run, a peak memory in MiB (from a process of its own,
        // which for the cache rows runs `generate --cache LEVEL`), the speed-up over the plain row of
        // the same run, and no PyTorch columns without --compare.
        let table = sections[1].split(separator: "\n").map(String.init).filter { $0.hasPrefix("| ") }
        XCTAssertEqual(table.count, 6, sections[1])
        XCTAssertTrue(table[0].contains("| speed-up over plain |"), table[0])
        let jobs = table.dropFirst().map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        XCTAssertEqual(jobs.map { $0.first ?? "" },
                       ["plain", "regional (2 regions)", "inpaint (strength 1)", "plain, cache fast", "plain, cache faster"])
        func milliseconds(_ cell: String) -> Double { Double(cell.replacingOccurrences(of: " ms", with: "")) ?? 0 }
        let plainWall = milliseconds(jobs[0][2])
        XCTAssertGreaterThan(plainWall, 0, table[1])
        for (cells, line) in zip(jobs, table.dropFirst()) {
            XCTAssertEqual(cells.count, 11, line)
            XCTAssertEqual(cells[1], "1", line)
            let rss = Double(cells[4].replacingOccurrences(of: " MiB", with: "")) ?? 0
            XCTAssertGreaterThan(rss, 1, line)
            // Speed-up = plain wall / this wall; the walls are printed to 0.1 ms, the ratio to 0.01.
            let wall = milliseconds(cells[2])
            let speedUp = try XCTUnwrap(Double(cells[6].replacingOccurrences(of: "×", with: "")), line)
            let low = max(plainWall - 0.05, 0) / (wall + 0.05), high = (plainWall + 0.05) / max(wall - 0.05, 0.001)
            XCTAssertTrue(speedUp >= low - 0.005 && speedUp <= high + 0.005, "\(speedUp) outside [\(low), \(high)]: \(line)")
            XCTAssertTrue(cells[10].hasPrefix("—"), line)
        }
        XCTAssertEqual(jobs[0][6], "1.00×", table[1])
        // A cached row reports the share of blocks its cache let run, not a GFLOP/s the skipped work would inflate.
        for cells in jobs[3...] { XCTAssertTrue(cells[5].hasPrefix("— (cached: "), cells[5]) }
        XCTAssertTrue(jobs[0][5].hasSuffix("%)") && !jobs[0][5].hasPrefix("—"), jobs[0][5])
        // The fixture model has no calibration: both levels fall back to block reuse, and say so.
        for level in ["fast", "faster"] {
            XCTAssertTrue(result.standardError.contains("no calibration for cache level '\(level)'"), result.standardError)
        }
    }

    /// `--cache` chooses the cached rows: a list in its order without repeats, `off` adding none; an
    /// unknown level exits 2 naming the flag.
    func testTheCacheLevelsChooseTheCachedRows() throws {
        let common = ["bench", "--model", fixtureModel.path, "--steps", "1", "--runs", "1", "--threads", "1", "--size", "32x32"]
        let bad = try runDiTStudio(common + ["--cache", "fast,turbo"])
        XCTAssertEqual(bad.status, 2, bad.standardError)
        XCTAssertTrue(bad.standardError.contains("The value 'fast,turbo' is invalid for '--cache <levels>'"), bad.standardError)

        for (argument, expected) in [("faster,off,faster", ["plain, cache faster"]), ("off", [])] {
            let result = try runDiTStudio(common + ["--cache", argument])
            XCTAssertEqual(result.status, 0, result.standardError)
            let labels = result.standardOutput.split(separator: "\n").filter { $0.hasPrefix("| ") }.dropFirst()
                .compactMap { $0.split(separator: "|").first?.trimmingCharacters(in: .whitespaces) }
            XCTAssertEqual(labels, ["plain", "regional (2 regions)", "inpaint (strength 1)"] + expected, argument)
        }
    }
}
