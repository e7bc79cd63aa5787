/// The ranges every setting must lie in, wherever it comes from — a command-line flag, a preset, a
/// model's studio.json, an image's metadata — checked with the same words everywhere. They are
/// sanity bounds, not model rules (`validate(for:)` adds the model's size rules): beyond them the
/// engine's float32 arithmetic overflows or the schedule degenerates (a shift of 1e-300 makes
/// every noise level infinite), and the failure would surface as NaN blamed on the weights.
extension GenerateParameters {
    /// The largest side accepted before a model says otherwise.
    public static let maximumSide = 8192
    public static let stepsRange = 1...10_000
    /// Classifier-free guidance: 0 (the negative prompt alone) to 100, far past where images saturate.
    public static let guidanceRange: ClosedRange<Double> = 0...100
    /// Timestep shift: SD3 uses 3, Flux-style schedules up to about 7; 0.01 and 100 bound the schedules
    /// that still spread the steps over the noise levels.
    public static let shiftRange: ClosedRange<Double> = 0.01...100
    public static let sideRange = 1...maximumSide

    /// Why `steps` is out of range (`must be between 1 and 10000 (got 0)`), or nil.
    public static func stepsProblem(_ steps: Int) -> String? {
        stepsRange.contains(steps) ? nil : "must be between 1 and 10000 (got \(steps))"
    }

    /// Why `guidance` is out of range, or nil.
    public static func guidanceProblem(_ guidance: Double) -> String? {
        numberProblem(guidance, in: guidanceRange)
    }

    /// Why `shift` is out of range, or nil.
    public static func shiftProblem(_ shift: Double) -> String? {
        numberProblem(shift, in: shiftRange)
    }

    /// Why a width or height is out of range, or nil.
    public static func sideProblem(width: Int, height: Int) -> String? {
        sideRange.contains(width) && sideRange.contains(height) ? nil
            : "width and height must be between 1 and \(maximumSide) (got \(width)x\(height))"
    }

    static func numberProblem(_ value: Double, in range: ClosedRange<Double>) -> String? {
        range.contains(value) ? nil
            : "must be a number between \(A1111Parameters.format(range.lowerBound)) and \(A1111Parameters.format(range.upperBound)) (got \(value))"
    }

    /// Throws `JobError.invalidParameter` naming the first parameter out of range: `steps`,
    /// `guidance`, `shift` or `size` (the keys `GenerateParameters` encodes, `size` for both sides).
    public func validate(for model: ModelDescription? = nil) throws {
        if let problem = Self.stepsProblem(steps) { throw JobError.invalidParameter(key: "steps", reason: problem) }
        if let problem = Self.guidanceProblem(guidance) { throw JobError.invalidParameter(key: "guidance", reason: problem) }
        if let problem = Self.shiftProblem(shift) { throw JobError.invalidParameter(key: "shift", reason: problem) }
        if let problem = Self.sideProblem(width: width, height: height) {
            throw JobError.invalidParameter(key: "size", reason: problem)
        }
        if let model {
            try model.validateSize(width: width, height: height)
        }
    }
}
