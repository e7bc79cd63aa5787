import DiTEngine
import Foundation

/// Per-model studio defaults from an optional `studio.json` beside the model (written by
/// `Training/export.py` for the embedded model, tuned there and documented in its model card):
/// the steps, guidance, shift, sampler and size a job gets when the user does not choose them.
public struct ModelStudioDefaults: Codable, Equatable, Sendable {
    public var steps: Int?
    public var guidance: Double?
    public var shift: Double?
    public var sampler: SamplerChoice?
    public var width: Int?
    public var height: Int?

    public init(steps: Int? = nil, guidance: Double? = nil, shift: Double? = nil, sampler: SamplerChoice? = nil,
                width: Int? = nil, height: Int? = nil) {
        self.steps = steps; self.guidance = guidance; self.shift = shift; self.sampler = sampler
        self.width = width; self.height = height
    }

    public static let fileName = "studio.json"

    /// The defaults in `modelDirectory/studio.json`; none when the file is absent. A file that is
    /// present but unreadable, or a value out of the range a job accepts, is an error naming the
    /// file and the key (a silent fallback would change images).
    public init(modelDirectory: URL) throws {
        let url = modelDirectory.appendingPathComponent(Self.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { self.init(); return }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelStudioDefaultsError(path: url.path, key: nil, reason: "cannot read: \(FileReadFailure.reason(error))")
        }
        if let control = ForbiddenControlCharacter.first(in: [UInt8](data), syntax: .json) {
            throw ModelStudioDefaultsError(path: url.path, key: nil, reason: control.description)
        }
        guard data.withUnsafeBytes({ JSONValue.nestingDepth(of: $0) }) <= 16 else {
            throw ModelStudioDefaultsError(path: url.path, key: nil, reason: "nests arrays or objects more than 16 levels deep")
        }
        do {
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw ModelStudioDefaultsError(path: url.path, key: StudioJSON.keyPath(of: error), reason: StudioJSON.reason(error))
        }
        func check(_ key: String, _ problem: String?) throws {
            if let problem { throw ModelStudioDefaultsError(path: url.path, key: key, reason: problem) }
        }
        if let steps { try check("steps", GenerateParameters.stepsProblem(steps)) }
        if let guidance { try check("guidance", GenerateParameters.guidanceProblem(guidance)) }
        if let shift { try check("shift", GenerateParameters.shiftProblem(shift)) }
        if let width { try check("width", GenerateParameters.sideRange.contains(width) ? nil : "must be between 1 and \(GenerateParameters.maximumSide) (got \(width))") }
        if let height { try check("height", GenerateParameters.sideRange.contains(height) ? nil : "must be between 1 and \(GenerateParameters.maximumSide) (got \(height))") }
    }

    /// `parameters` with every setting these defaults name replaced.
    public func applied(to parameters: GenerateParameters) -> GenerateParameters {
        var p = parameters
        if let steps { p.steps = steps }
        if let guidance { p.guidance = guidance }
        if let shift { p.shift = shift }
        if let sampler { p.sampler = sampler }
        if let width { p.width = width }
        if let height { p.height = height }
        return p
    }
}

/// Why a model's studio.json was refused: the file, the key when one is at fault, and what is wrong.
public struct ModelStudioDefaultsError: Error, CustomStringConvertible, Equatable, CategorizedError {
    public var path: String
    public var key: String?
    public var reason: String

    public init(path: String, key: String?, reason: String) {
        self.path = path
        self.key = key
        self.reason = reason
    }

    public var description: String { "\(path): \(key.map { "key '\($0)': " } ?? "")\(reason); fix or delete the file" }
    public var category: ErrorCategory { .badInput }
}
