import Foundation

/// The sampler a job asks for. Kept apart from the engine's own enum (as the CLI's option enums
/// are) so that journals and PNG metadata do not change when the engine is refactored.
public enum SamplerChoice: String, Codable, Sendable, CaseIterable {
    case euler
    case heun

    /// The name in A1111-style metadata (`Sampler: Euler`).
    public var displayName: String {
        switch self {
        case .euler: return "Euler"
        case .heun: return "Heun"
        }
    }

    /// Reads a sampler name as other tools write it ("Euler", "euler", "Heun"); nil for samplers
    /// this studio does not have (e.g. "Euler a", "DPM++ 2M Karras").
    public init?(displayName: String) {
        let name = displayName.trimmingCharacters(in: .whitespaces).lowercased()
        guard let match = SamplerChoice(rawValue: name) else { return nil }
        self = match
    }
}
