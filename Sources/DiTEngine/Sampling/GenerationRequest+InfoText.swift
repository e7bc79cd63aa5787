import Foundation

/// The A1111 "parameters" text (as Stable Diffusion web UI writes into PNGs), so other tools can
/// read how an image was made:
///
///     a red circle
///     Negative prompt: blurry
///     Steps: 20, Sampler: Euler, CFG scale: 4.0, Seed: 42, Size: 64x64, Model: shapes-mmdit, Shift: 3.0, RNG: torch
///
/// The negative-prompt line is left out when it is empty, as A1111 does.
extension GenerationRequest {
    public func infoText(modelName: String) -> String {
        var lines = [prompt]
        if !negativePrompt.isEmpty { lines.append("Negative prompt: \(negativePrompt)") }
        let fields: [(String, String)] = [
            ("Steps", String(steps)),
            ("Sampler", sampler.makeSampler().displayName),
            ("CFG scale", String(guidanceScale)),
            ("Seed", String(seed)),
            ("Size", "\(width)x\(height)"),
            ("Model", modelName),
            ("Shift", String(shift)),
            ("RNG", noise.rawValue),
        ]
        lines.append(fields.map { "\($0.0): \(Self.infoValue($0.1))" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }

    /// A1111 quotes values that contain its separators.
    private static func infoValue(_ value: String) -> String {
        guard value.contains(",") || value.contains(":") || value.contains("\n") || value.contains("\"") else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
