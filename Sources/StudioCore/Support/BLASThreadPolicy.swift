import Foundation

/// How many threads OpenBLAS gets when nobody said: one per core that nothing else is using.
///
/// Why not all cores: OpenBLAS threads spin and wait for each other at every product, so a thread
/// that shares its core with another busy process stalls all the others — measured on the 2-core
/// development machine with a training job on one core, two BLAS threads made a generation about
/// ten times slower than one. Too few threads costs at most the parallel speed-up (under 2× for the
/// built-in model's small products); too many costs far more, so the policy leans to fewer.
///
/// Order of precedence: a command's `--threads`, then `DIT_STUDIO_THREADS`, then OpenBLAS's own
/// `OPENBLAS_NUM_THREADS` / `OMP_NUM_THREADS` (left to the library), then this policy: cores minus
/// the busy ones, where busy is the larger of the processes running right now besides this one
/// (`/proc/loadavg`'s fourth field) and the one-minute load average rounded down; at least 1.
public enum BLASThreadPolicy {
    public static let environmentVariable = "DIT_STUDIO_THREADS"

    /// What the machine looks like at start-up.
    public struct Load: Equatable, Sendable {
        /// Runnable tasks now, this process included.
        public var runnable: Int
        /// The one-minute load average.
        public var oneMinute: Double

        public init(runnable: Int, oneMinute: Double) {
            self.runnable = runnable
            self.oneMinute = oneMinute
        }

        /// `/proc/loadavg` (`"0.52 0.58 0.59 3/467 12345"`), or nil when it cannot be read or parsed.
        public static func parse(_ text: String) -> Load? {
            let fields = text.split(separator: " ")
            guard fields.count >= 4, let oneMinute = Double(fields[0]), oneMinute.isFinite, oneMinute >= 0,
                  let slash = fields[3].firstIndex(of: "/"), let runnable = Int(fields[3][..<slash]), runnable >= 0
            else { return nil }
            return Load(runnable: runnable, oneMinute: oneMinute)
        }

        /// This machine's load now (nil where `/proc/loadavg` does not exist, e.g. macOS).
        public static func current() -> Load? {
            guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
            return parse(text)
        }
    }

    /// The thread count to set, or nil to leave OpenBLAS's own choice (its environment variables).
    /// - Parameters:
    ///   - explicit: a command's `--threads`.
    ///   - environment: the process environment.
    ///   - cores: cores available to this process.
    ///   - load: the machine's load, nil when unknown (then every core is taken as free).
    public static func threads(explicit: Int? = nil, environment: [String: String], cores: Int, load: Load?) -> Int? {
        if let explicit { return max(1, explicit) }
        if let text = environment[environmentVariable], let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1 {
            return value
        }
        if environment["OPENBLAS_NUM_THREADS"] != nil || environment["OMP_NUM_THREADS"] != nil { return nil }
        guard let load else { return max(1, cores) }
        let busy = max(load.runnable - 1, Int(load.oneMinute.rounded(.down)))
        return min(max(1, cores), max(1, cores - busy))
    }
}
