import ArgumentParser
import DiTEngine
import Foundation
import StudioCore

/// The parameters `generate` will run with, and where each checked one came from — a flag, the
/// model's defaults (`ModelDefaults`: its studio.json or configs), an image's metadata chunk — so
/// that a value found wrong (out of range, a size the model cannot take) is reported against its
/// source, naming the file (or chunk) and key. Only a flag's mistake is a command-line mistake, with usage.
struct GenerationPlan {
    /// Where a value came from.
    enum Origin {
        /// The model's defaults (which say where each of theirs came from).
        case model(ModelDefaults)
        /// A flag, e.g. `--size`.
        case flag(String)
        /// An image's metadata chunk (`--from`).
        case image(path: String, recipe: ImageMetadata.Recipe)
    }

    var parameters: GenerateParameters
    var notes: [String] = []
    /// By the keys `GenerateParameters.validate` names: steps, guidance, shift, size.
    private var origins: [String: Origin]

    /// Every checked parameter from `origin` to begin with.
    init(parameters: GenerateParameters, origin: Origin) {
        self.parameters = parameters
        origins = Dictionary(uniqueKeysWithValues: ["steps", "guidance", "shift", "size"].map { ($0, origin) })
    }

    /// The model's defaults, with `seed`.
    init(defaults: ModelDefaults, seed: UInt64) {
        self.init(parameters: defaults.parameters(prompt: "", seed: seed), origin: .model(defaults))
    }

    /// Changes `parameter` with `change`, recording where the new value came from.
    mutating func set(_ parameter: String, from origin: Origin, _ change: (inout GenerateParameters) -> Void) {
        change(&parameters)
        record(parameter, from: origin)
    }

    /// Records where `parameter`'s current value came from.
    mutating func record(_ parameter: String, from origin: Origin) {
        origins[parameter] = origin
    }

    /// Runs a check of the parameters; a `JobError.invalidParameter` (or an engine's refusal of
    /// the size) becomes the error of the value's source.
    func check(_ body: (GenerateParameters) throws -> Void) throws {
        do {
            try body(parameters)
        } catch let JobError.invalidParameter(key, reason) {
            throw error(for: key, reason: reason)
        } catch let GenerationError.invalidRequest(reason) {
            throw error(for: "size", reason: reason)
        }
    }

    /// The error for `parameter`'s value, from wherever it came.
    func error(for parameter: String, reason: String) -> Error {
        switch origins[parameter] ?? .model(.builtIn) {
        case let .model(defaults):
            return defaults.error(for: parameter, reason: reason)
        case let .flag(flag):
            return ValidationError("\(flag): \(reason)")
        case let .image(path, recipe):
            return recipe.invalidValue(path: path, parameter: parameter, reason: reason)
        }
    }
}
