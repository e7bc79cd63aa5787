import StudioCore

extension FuzzTarget {
    /// A theme file (TOML through TOMLKit), loaded as the catalog loads one; every role must have
    /// a colour afterwards.
    public static let theme = FuzzTarget(
        name: "theme",
        summary: "a theme .toml: TOMLKit parsing, colours, inheritance",
        fuzzerOptions: leakCheckOnReplay
    ) { input in
        let (theme, warnings) = try ThemeLoader().load(text: String(decoding: input, as: UTF8.self),
                                                       file: "fuzz.toml", source: .user(path: "fuzz.toml"))
        consume(warnings.map { String(describing: $0) })
        for role in ThemeRole.allCases { consume(theme[role]) }
        precondition(theme.regions.count == Theme.regionCount, "a theme must have every region colour")
    }
}
