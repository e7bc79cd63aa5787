/// What an engine can run. The queue asks before it accepts a job, so that a job the engine cannot
/// do is refused at once with a message saying so, instead of failing later (or pretending).
public struct EngineCapabilities: Equatable, Sendable {
    /// Regional prompting with layouts.
    public var regionalPrompting: Bool
    /// The edit modes it can run.
    public var editModes: Set<EditMode>
    /// The feature-caching levels it knows; `off` at least.
    public var cachingLevels: [CachingLevel]

    public init(regionalPrompting: Bool = false, editModes: Set<EditMode> = [], cachingLevels: [CachingLevel] = [.off]) {
        self.regionalPrompting = regionalPrompting
        self.editModes = editModes
        self.cachingLevels = cachingLevels
    }

    /// Text-to-image only: what the engine of this wave can do.
    public static let generateOnly = EngineCapabilities()

    /// Why `kind` cannot run on this engine, or nil when it can.
    public func refusal(for kind: JobKind) -> String? {
        switch kind {
        case .generate:
            return nil
        case .regional:
            return regionalPrompting ? nil : "regional prompting is not available in this engine yet"
        case let .edit(operation):
            return editModes.contains(operation.mode) ? nil
                : "editing (\(operation.mode.displayName)) is not available in this engine yet"
        }
    }

    /// Why caching `level` cannot be used, or nil when it can.
    public func refusal(forCaching level: CachingLevel) -> String? {
        if cachingLevels.contains(level) { return nil }
        return "feature caching '\(level)' is not available in this engine yet (available: "
            + cachingLevels.map(\.rawValue).joined(separator: ", ") + ")"
    }
}
