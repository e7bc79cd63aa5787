import ArgumentParser
import Foundation
import StudioCore

/// `--out FILE.png [--overwrite]`, shared by the commands that make one image: where it goes, and
/// the rule that an existing file is replaced only when asked (and only a regular file).
struct OutputOptions: ParsableArguments {
    @Option(help: "Output PNG, a name ending in .png (default: ./dit-<seed>.png, never overwriting: -1, -2, … are added). An existing file is replaced only with --overwrite.",
            completion: .file(extensions: ["png"]))
    var out: String?

    @Flag(help: "Let --out replace an existing regular file (its permissions are kept).")
    var overwrite = false

    func validate() throws {
        if let out {
            guard URL(fileURLWithPath: out).pathExtension.lowercased() == "png" else {
                throw ValidationError("--out \(out): the name must end in .png (dit-studio writes PNG images)")
            }
            // Refuse now rather than after the whole generation (the write checks again).
            do {
                try SafeFileWriter().checkDestination(URL(fileURLWithPath: out), overwrite: overwrite)
            } catch let error as FileWriteError {
                throw ValidationError(Self.message(for: error))
            }
        } else if overwrite {
            throw ValidationError("--overwrite applies to --out; without --out the image gets a free name")
        }
    }

    /// Writes to `--out` (replacing a regular file only with `--overwrite`), or to the first free
    /// `./dit-<seed>[-n].png`; returns the path.
    func save(_ image: RGBImage, chunks: [PNGTextChunk], seed: UInt64) throws -> String {
        if let out {
            do {
                try PNGFile.write(image, textChunks: chunks, to: URL(fileURLWithPath: out), overwrite: overwrite)
            } catch let error as FileWriteError {
                throw CLIError.cannotSave(Self.message(for: error))
            }
            return out
        }
        for attempt in 0..<10_000 {
            let name = attempt == 0 ? "dit-\(seed).png" : "dit-\(seed)-\(attempt).png"
            let path = "./" + name
            guard !FileManager.default.fileExists(atPath: path) else { continue }
            do {
                try PNGFile.write(image, textChunks: chunks, to: URL(fileURLWithPath: path), overwrite: false)
                return path
            } catch FileWriteError.exists {
                continue  // another process took the name between the check and the write
            } catch let error as FileWriteError {
                throw CLIError.cannotSave(Self.message(for: error))
            }
        }
        throw CLIError.cannotSave("could not find a free file name ./dit-\(seed)-N.png; pass --out")
    }

    /// A write refusal as the user should read it (which flag to pass).
    static func message(for error: FileWriteError) -> String {
        switch error {
        case let .exists(path):
            return "\(path): the file exists; pass --overwrite to replace it, or choose another name with --out"
        default:
            return error.description
        }
    }
}
