import ArgumentParser
import StudioCore

/// `--cache off|fast|faster`: feature caching, as the studio's `CachingLevel` names it (the
/// command line's spelling kept apart from the library's type).
enum CacheOption: String, ExpressibleByArgument, CaseIterable {
    case off, fast, faster

    var level: CachingLevel { CachingLevel(rawValue: rawValue) }

    static let help = ArgumentHelp(
        "Feature caching: off, fast or faster. Reuses what the model computed on earlier steps; what each level does comes from the model's studio.json (calibrated there).",
        valueName: "level")
}
