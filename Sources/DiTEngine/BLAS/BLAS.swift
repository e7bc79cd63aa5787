import CBLAS
import Foundation

/// The engine's only door to OpenBLAS: single-precision matrix products and the thread count.
///
/// All matrices are row-major. `transA`/`transB` say whether the stored matrix is used transposed
/// (e.g. a torch `Linear` weight stored `[out, in]` is used as `Wᵀ`, so `transB: true`).
/// Leading dimensions are the row strides of the *stored* matrices, as in CBLAS.
public enum BLAS {
    /// `C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C`.
    @inlinable
    public static func sgemm(transA: Bool = false, transB: Bool = false,
                             m: Int, n: Int, k: Int,
                             alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0,
                             c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // op(A)·op(B) is the zero matrix; only the beta scaling remains (BLAS may skip it).
            for row in 0..<m {
                let r = c + row * ldc
                for col in 0..<n { r[col] = beta == 0 ? 0 : beta * r[col] }
            }
            return
        }
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// `batchCount` independent products `C_i = alpha · op(A_i) · op(B_i) + beta · C_i`, where
    /// matrix `i` starts `i · stride` floats after the first (attention heads, batch items).
    @inlinable
    public static func sgemmStridedBatched(transA: Bool = false, transB: Bool = false,
                                           m: Int, n: Int, k: Int,
                                           alpha: Float = 1,
                                           a: UnsafePointer<Float>, lda: Int, strideA: Int,
                                           b: UnsafePointer<Float>, ldb: Int, strideB: Int,
                                           beta: Float = 0,
                                           c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
                                           batchCount: Int) {
        for i in 0..<batchCount {
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                  a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
                  beta: beta, c: c + i * strideC, ldc: ldc)
        }
    }

    /// The matrix product of two rank-2 tensors, `op(a) · op(b)` (convenience for tests and glue).
    public static func matmul(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs rank-2 tensors, got \(a.shape) and \(b.shape)")
        let m = transA ? a.shape[1] : a.shape[0]
        let k = transA ? a.shape[0] : a.shape[1]
        let kB = transB ? b.shape[1] : b.shape[0]
        let n = transB ? b.shape[0] : b.shape[1]
        precondition(k == kB, "matmul: inner extents differ (\(a.shape)\(transA ? "ᵀ" : "") · \(b.shape)\(transB ? "ᵀ" : ""))")
        var result = Tensor(shape: [m, n])
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                result.withUnsafeMutableBufferPointer { pc in
                    sgemm(transA: transA, transB: transB, m: m, n: n, k: k,
                          a: pa.baseAddress!, lda: a.shape[1],
                          b: pb.baseAddress!, ldb: b.shape[1],
                          c: pc.baseAddress!, ldc: n)
                }
            }
        }
        return result
    }

    /// `y = alpha · op(A)[m×n] · x + beta · y` (one row of tokens through a weight matrix).
    @inlinable
    public static func sgemv(transA: Bool = false, m: Int, n: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int,
                             x: UnsafePointer<Float>, beta: Float = 0,
                             y: UnsafeMutablePointer<Float>) {
        guard m > 0, n > 0 else { return }
        cblas_sgemv(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, Int32(m), Int32(n),
                    alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// `target[c·rows + r] = source[r·columns + c]`: the transpose of a row-major `rows × columns`
    /// matrix into a `columns × rows` one (OpenBLAS `somatcopy`; the buffers must not overlap).
    public static func transpose(rows: Int, columns: Int, source: UnsafePointer<Float>,
                                 target: UnsafeMutablePointer<Float>) {
        guard rows > 0, columns > 0 else { return }
        cblas_somatcopy(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1,
                        source, Int32(columns), target, Int32(rows))
    }

    /// The number of threads OpenBLAS uses for one product.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses (process-wide; call before work starts).
    public static func setThreads(_ count: Int) {
        selectKernelsForThisCPU()
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The OpenBLAS kernel family in use (e.g. `"Haswell"`, `"SkylakeX"`; `"Prescott"` is its
    /// fallback for CPUs it does not recognise).
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Makes OpenBLAS use the kernels this CPU supports when its own detection failed.
    ///
    /// OpenBLAS 0.3.21 (Debian 12) does not recognise some current Xeons (they report the generic
    /// model name "Intel Xeon Processor") and falls back to its SSE3 "Prescott" kernels, which run
    /// sgemm 2–3× slower than the AVX-512 ones on the same machine. When the library was built with
    /// DYNAMIC_ARCH, fell back to Prescott, and the user has not chosen a core with
    /// `OPENBLAS_CORETYPE`, this selects `SkylakeX` (AVX-512 F/CD/BW/DQ/VL) or `Haswell`
    /// (AVX2 + FMA) from the CPU flags, through OpenBLAS's own re-initialisation
    /// (`gotoblas_dynamic_quit` / `gotoblas_dynamic_init`, looked up at run time so a build without
    /// them still links). Runs once per process; the models call it when they load, before any
    /// product is computed. Returns the core name in use afterwards.
    @discardableResult
    public static func selectKernelsForThisCPU() -> String {
        _ = kernelSelection
        return coreName
    }

    private static let kernelSelection: Void = {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              coreName.lowercased() == "prescott",
              let wanted = preferredCoreType(),
              let quitSymbol = dlsym(nil, "gotoblas_dynamic_quit"),
              let initSymbol = dlsym(nil, "gotoblas_dynamic_init") else { return }
        typealias Entry = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        unsafeBitCast(quitSymbol, to: Entry.self)()
        unsafeBitCast(initSymbol, to: Entry.self)()
        unsetenv("OPENBLAS_CORETYPE")
    }()

    /// The best OpenBLAS core type the CPU flags in `/proc/cpuinfo` allow, or nil when unknown.
    static func preferredCoreType() -> String? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(line.split(separator: " ").map(String.init))
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SkylakeX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
        return nil
    }
}
