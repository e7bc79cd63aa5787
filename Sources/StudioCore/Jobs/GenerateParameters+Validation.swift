/// Range checks that need no model; `validate(for:)` adds the model's size rules when they are known.
extension GenerateParameters {
    /// The largest side accepted before a model says otherwise (a sanity bound, not a model rule).
    public static let maximumSide = 8192
    public static let stepsRange = 1...10_000

    /// Throws `JobError.invalidParameter` naming the first parameter out of range.
    public func validate(for model: ModelDescription? = nil) throws {
        guard Self.stepsRange.contains(steps) else {
            throw JobError.invalidParameter(key: "steps", reason: "must be between 1 and 10000 (got \(steps))")
        }
        guard guidance.isFinite, guidance >= 0 else {
            throw JobError.invalidParameter(key: "guidance", reason: "must be a number ≥ 0 (got \(guidance))")
        }
        guard shift.isFinite, shift > 0 else {
            throw JobError.invalidParameter(key: "shift", reason: "must be a number > 0 (got \(shift))")
        }
        guard (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
            throw JobError.invalidParameter(
                key: "size", reason: "width and height must be between 1 and \(Self.maximumSide) (got \(sizeDescription))")
        }
        if let model {
            try model.validateSize(width: width, height: height)
        }
    }
}
