import Foundation
import XCTest
@testable import DiTEngine

/// Decode and encode times for the embedded model's autoencoder shape (16×16×4 ↔ 64×64×3,
/// block_out_channels (16, 32, 64), one layer per block, 8 groups) with random weights.
/// A benchmark, not a test: it asserts nothing about speed and is skipped unless
/// `DIT_BENCH=1` is set. Run it in release mode on one thread:
///   DIT_BENCH=1 OPENBLAS_NUM_THREADS=1 swift test -c release -Xswiftc -enable-testing --filter AutoencoderKLBenchmark
final class AutoencoderKLBenchmarkTests: XCTestCase {
    func testDecodeAndEncodeTimes() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["DIT_BENCH"] == "1", "set DIT_BENCH=1 to run benchmarks")
        let threads = Int(ProcessInfo.processInfo.environment["DIT_BENCH_THREADS"] ?? "1") ?? 1
        BLAS.setThreads(threads)
        let config = AutoencoderKLTestSupport.embeddedConfig
        let vae = try AutoencoderKLTestSupport.model(config, tensors: AutoencoderKLTestSupport.randomWeights(config))
        let latents = AutoencoderKLTestSupport.randomTensor([1, 4, 16, 16], seed: 1)
        let image = AutoencoderKLTestSupport.randomTensor([1, 3, 64, 64], seed: 2)
        /// Median wall-clock and on-CPU milliseconds of `runs` calls (CPU time of the calling
        /// thread: meaningful with one BLAS thread, and robust to a busy machine).
        func median(_ runs: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
            for _ in 0..<3 { try body() }  // warm the workspace
            var wall: [Double] = [], cpu: [Double] = []
            for _ in 0..<runs {
                let (wallStart, cpuStart) = (DispatchTime.now().uptimeNanoseconds, Self.threadCPUNanoseconds())
                try body()
                cpu.append(Double(Self.threadCPUNanoseconds() - cpuStart) / 1e6)
                wall.append(Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e6)
            }
            return (wall.sorted()[runs / 2], cpu.sorted()[runs / 2])
        }
        let decode = try median(31) { _ = try vae.decode(latents) }
        let encode = try median(31) { _ = try vae.encodeMean(image) }
        print(String(format: "AutoencoderKL (embedded shape, %d BLAS thread%@, median of 31): decode 16×16×4 → 64×64×3 %.2f ms wall / %.2f ms CPU; encode 64×64×3 → 16×16×4 %.2f ms wall / %.2f ms CPU",
                     threads, threads == 1 ? "" : "s", decode.wall, decode.cpu, encode.wall, encode.cpu))
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
