import Foundation
import StudioCore

/// The `info` text for a PNG: size, format, alpha, and each text chunk verbatim.
struct PNGReport {
    let text: String

    init(url: URL) throws {
        let png = try PNGFile.read(from: url)
        var lines = [
            "File:    \(url.path)",
            "Image:   PNG, \(png.image.width)x\(png.image.height), \(png.format)",
            "Alpha:   \(png.alpha == nil ? "no" : "yes")",
            "Text chunks: \(png.textChunks.count)",
        ]
        for chunk in png.textChunks {
            var heading = "[\(chunk.kind.rawValue)] \(chunk.keyword)"
            if !chunk.languageTag.isEmpty { heading += " (\(chunk.languageTag))" }
            if !chunk.translatedKeyword.isEmpty { heading += " “\(chunk.translatedKeyword)”" }
            lines.append("")
            lines.append(heading)
            lines.append(chunk.text)
        }
        text = lines.joined(separator: "\n") + "\n"
    }
}
