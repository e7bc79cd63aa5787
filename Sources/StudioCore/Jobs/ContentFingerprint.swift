import Foundation

/// A short fingerprint of a file's bytes (64-bit FNV-1a, hex), recorded with an edit's source so
/// that re-running the edit can tell when the source file has changed. Not a security hash.
public enum ContentFingerprint {
    public static func of(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The fingerprint of the file at `url`.
    public static func of(fileAt url: URL) throws -> String {
        of(try Data(contentsOf: url))
    }
}
