import DiTEngine
import Foundation

/// The model the studio uses when none is named: `$DIT_STUDIO_MODEL` if set, else the embedded model
/// `Models/shapes-mmdit` that ships with the studio, found like the other built-in folders
/// (`BuiltInResources`: beside or above the executable, an installed `share/dit-studio`, the source tree).
public enum DefaultModel {
    public static let name = "shapes-mmdit"
    public static let environmentVariable = "DIT_STUDIO_MODEL"

    /// The default model's directory, or an error that says where it looked and what to do.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 executable: URL? = Bundle.main.executableURL) throws -> URL {
        if let path = environment[environmentVariable], !path.isEmpty {
            let url = URL(fileURLWithPath: path, isDirectory: true)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("model_index.json").path) else {
                throw DefaultModelError.notAModel(url, variable: environmentVariable)
            }
            return url
        }
        var candidates: [URL] = []
        for url in BuiltInResources.candidates(named: "Models", environment: environment, executable: executable)
        where !candidates.contains(url) {
            candidates.append(url)
        }
        candidates = candidates.map { $0.appendingPathComponent(name, isDirectory: true) }
        if let found = candidates.first(where: {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("model_index.json").path)
        }) {
            return found
        }
        throw DefaultModelError.notFound(searched: candidates)
    }
}

public enum DefaultModelError: Error, CustomStringConvertible, Equatable {
    case notAModel(URL, variable: String)
    case notFound(searched: [URL])

    public var description: String {
        switch self {
        case let .notAModel(url, variable):
            return "$\(variable) is \(url.path), which holds no model_index.json; point it at a model directory in the diffusers layout, or unset it"
        case let .notFound(searched):
            let last = searched.last.map { ", last \($0.path)" } ?? ""
            return "the built-in model \(DefaultModel.name) was not found (looked in \(searched.count) places beside and above the executable\(last)); pass --model DIR or set $\(DefaultModel.environmentVariable)"
        }
    }
}

extension DefaultModelError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .notAModel, .notFound: return .badInput
        }
    }
}
