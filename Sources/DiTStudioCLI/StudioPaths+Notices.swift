import Foundation
import StudioCore

extension StudioPaths {
    /// The paths the environment asks for, with a note on standard error for each `XDG_*` variable
    /// that was ignored (a relative path), so that the user knows why their files are not used.
    static func announced(environment: [String: String] = ProcessInfo.processInfo.environment) -> StudioPaths {
        let paths = StudioPaths(environment: environment)
        for notice in paths.notices { Console.error("note: \(notice)") }
        return paths
    }
}
