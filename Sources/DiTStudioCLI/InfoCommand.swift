import ArgumentParser
import DiTEngine
import Foundation

/// `dit-studio info PATH`: what a PNG, a safetensors file or a model directory contains.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show what a PNG, a .safetensors file or a model directory contains.",
        discussion: """
            PNG: size, pixel format and every text chunk (generation parameters verbatim, with \
            control characters made visible: ESC as ^[), and any text chunk the decoder had to leave out.
            safetensors: metadata, tensor count and parameter total, then each tensor's name, \
            dtype and shape.
            Model directory (diffusers layout): its components from model_index.json and the \
            tensors of each component's .safetensors files.
            """
    )

    @Argument(help: "A PNG image, a .safetensors file, or a model directory.", completion: .file())
    var path: String

    @Flag(name: .long, help: "Show counts and totals only, not every tensor.")
    var summary = false

    func run() throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CLIError.notFound(path: path)
        }
        if isDirectory.boolValue {
            print(try ModelDirectoryReport(directory: url, listTensors: !summary).text, terminator: "")
            return
        }
        // Only a regular file is opened (a FIFO would block, a device is never an image).
        let kind: FileKind
        do {
            kind = try FileKind.sniff(url)
        } catch let InputFileError.notARegularFile(_, description) {
            throw CLIError.notARegularFile(path: path, kind: description)
        }
        switch kind {
        case .png:
            print(try PNGReport(url: url).text, terminator: "")
        case .safeTensors:
            print(try SafeTensorsReport(url: url, listTensors: !summary).text, terminator: "")
        case .unknown:
            throw CLIError.unrecognizedFile(path: path)
        }
    }
}

/// What a file is, from its first bytes (and its extension for safetensors, which has no magic).
enum FileKind {
    case png, safeTensors, unknown

    /// Throws `InputFileError.notARegularFile` for a FIFO, device or socket (without blocking).
    static func sniff(_ url: URL) throws -> FileKind {
        let file: InputFile
        do {
            file = try InputFile(url: url)
        } catch let error as InputFileError {
            if case .notARegularFile = error { throw error }
            return url.pathExtension == "safetensors" ? .safeTensors : .unknown // let the reader explain
        }
        let head = [UInt8]((try? file.read(upTo: 9)) ?? Data())
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if url.pathExtension.lowercased() == "safetensors" { return .safeTensors }
        // A safetensors file starts with a small little-endian length and then '{'.
        if head.count == 9, head[8] == UInt8(ascii: "{"), head[4..<8].allSatisfy({ $0 == 0 }) { return .safeTensors }
        return .unknown
    }
}
