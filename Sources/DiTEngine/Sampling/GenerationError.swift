import Foundation

/// What can go wrong while setting up or running a generation, with a message that says what to do.
public enum GenerationError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A request parameter is out of range or does not fit the model (`reason` names it).
    case invalidRequest(String)
    /// NaN or ±∞ appeared at `step` (1-based) of `total`; `stage` says where (model output, sample).
    case nonFiniteValue(step: Int, total: Int, stage: String)

    public var description: String {
        switch self {
        case .invalidRequest(let reason):
            return reason
        case .nonFiniteValue(let step, let total, let stage):
            return "step \(step) of \(total): the \(stage) contains NaN or infinite values; the run was stopped "
                + "instead of saving a broken image (try a lower --cfg, more --steps or another seed; if it happens "
                + "for every prompt, the model's weights are probably damaged)"
        }
    }

    public var errorDescription: String? { description }
}

extension GenerationError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .invalidRequest: return .badInput
        case .nonFiniteValue: return .failure
        }
    }
}
