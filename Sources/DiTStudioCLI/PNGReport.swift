import Foundation
import StudioCore

/// The `info` text for a PNG: size, format, alpha, each text chunk's text as it is (only made safe
/// for the terminal: `TerminalText`), and the text chunks the decoder had to leave out.
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
        if let dropped = png.droppedTextChunks {
            lines.append("Left out: \(dropped)")
        }
        for chunk in png.textChunks {
            var heading = "[\(chunk.kind.rawValue)] \(TerminalText.line(chunk.keyword))"
            if !chunk.languageTag.isEmpty { heading += " (\(TerminalText.line(chunk.languageTag)))" }
            if !chunk.translatedKeyword.isEmpty { heading += " “\(TerminalText.line(chunk.translatedKeyword))”" }
            lines.append("")
            lines.append(heading)
            lines.append(TerminalText.block(chunk.text))
        }
        text = lines.joined(separator: "\n") + "\n"
    }
}
