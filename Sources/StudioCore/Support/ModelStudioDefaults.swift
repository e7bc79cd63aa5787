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
    /// present but unreadable is an error naming it (a silent fallback would change images).
    public init(modelDirectory: URL) throws {
        let url = modelDirectory.appendingPathComponent(Self.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { self.init(); return }
        do {
            self = try JSONDecoder().decode(Self.self, from: InputFile.read(url, maximumBytes: 1 << 20))
        } catch let error as InputFileError {
            throw ModelStudioDefaultsError(path: url.path, reason: error.reason)
        } catch {
            throw ModelStudioDefaultsError(path: url.path, reason: StudioJSON.describe(error))
        }
        if let steps, steps < 1 { throw ModelStudioDefaultsError(path: url.path, reason: "steps must be ≥ 1") }
        if let guidance, !(guidance >= 0) { throw ModelStudioDefaultsError(path: url.path, reason: "guidance must be ≥ 0") }
        if let shift, !(shift > 0) { throw ModelStudioDefaultsError(path: url.path, reason: "shift must be > 0") }
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

public struct ModelStudioDefaultsError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason); fix or delete the file" }
}
