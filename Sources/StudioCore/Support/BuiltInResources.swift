import Foundation

/// Finds the folders that ship with the studio (`Presets/`, `Themes/`) from any working directory.
///
/// They are looked up, in order: in `$DIT_STUDIO_RESOURCES/<name>`; beside the running executable
/// or in one of its ancestors (after `swift build` the executable is in `.build/<triple>/debug`,
/// three levels below the repository), and in `<ancestor>/share/dit-studio/<name>` for an installed
/// copy; finally in the source tree this file was compiled from. No Package.swift resources are
/// needed, and a user can point the studio at another copy with the environment variable.
public enum BuiltInResources {
    /// The first existing directory called `name` (e.g. "Presets"), or nil.
    public static func directory(named name: String,
                                 environment: [String: String] = ProcessInfo.processInfo.environment,
                                 executable: URL? = Bundle.main.executableURL) -> URL? {
        candidates(named: name, environment: environment, executable: executable)
            .first { isDirectory($0) }
    }

    /// Every place looked at, in order (for error messages).
    public static func candidates(named name: String, environment: [String: String],
                                  executable: URL?) -> [URL] {
        var result: [URL] = []
        if let root = environment["DIT_STUDIO_RESOURCES"], !root.isEmpty {
            result.append(URL(fileURLWithPath: root, isDirectory: true).appendingPathComponent(name, isDirectory: true))
        }
        if let executable {
            var directory = executable.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<6 {
                result.append(directory.appendingPathComponent(name, isDirectory: true))
                result.append(directory.appendingPathComponent("share/dit-studio/\(name)", isDirectory: true))
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        result.append(sourceTreeRoot.appendingPathComponent(name, isDirectory: true))
        return result
    }

    /// The repository this file was compiled from (Sources/StudioCore/Support → three levels up).
    static var sourceTreeRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }
}
