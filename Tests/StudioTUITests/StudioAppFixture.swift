import StudioCore
@testable import StudioTUI

extension StudioApp {
    /// A studio on `session` with an in-memory terminal, the fallback theme, default settings and no
    /// user themes or presets: what the studio tests that drive the real app start from.
    static func forTesting(session: Session, store: SessionStore, worker: Worker,
                           terminal: InMemoryTerminal = InMemoryTerminal()) -> StudioApp {
        let services = StudioApp.Services(store: store, worker: worker, sessionOptions: SessionOptions(),
                                          themes: ThemeCatalog.load(builtIn: nil, user: nil), presets: PresetCatalog(),
                                          environment: [:], unknownWords: nil)
        return StudioApp(session: session, terminal: terminal, theme: Theme.fallback, settings: StudioSettings(),
                         services: services)
    }
}
