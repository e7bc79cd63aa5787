import ArgumentParser
import Foundation
import StudioCore

/// `--cache fast,faster` on `bench`: the feature-caching levels to time beside the plain run, in
/// the order given, each once. `off` is the plain row itself, so `--cache off` adds no rows.
struct CacheLevelsOption: ExpressibleByArgument, Equatable {
    /// The levels other than `off`, without repeats.
    var levels: [CacheOption]

    init(_ levels: [CacheOption]) {
        var seen: Set<CacheOption> = []
        self.levels = levels.filter { $0 != .off && seen.insert($0).inserted }
    }

    /// Comma-separated level names; nil (the parser's "invalid value", exit 2) for an unknown one.
    init?(argument: String) {
        let names = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var levels: [CacheOption] = []
        for name in names {
            guard let level = CacheOption(rawValue: name) else { return nil }
            levels.append(level)
        }
        self.init(levels)
    }

    var defaultValueDescription: String {
        levels.isEmpty ? CacheOption.off.rawValue : levels.map(\.rawValue).joined(separator: ",")
    }

    static var allValueStrings: [String] { CacheOption.allValueStrings }
}
