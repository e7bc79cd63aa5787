import DiTEngine
import Foundation
import StudioCore

/// The `info` text for a model directory in the diffusers layout: the components named in
/// model_index.json, then the safetensors files of each. A directory without model_index.json
/// but with .safetensors files (e.g. one component's folder) lists those files.
struct ModelDirectoryReport {
    let text: String

    init(directory: URL, listTensors: Bool) throws {
        let index = directory.appendingPathComponent("model_index.json")
        var lines: [String] = ["Directory:  \(directory.path)"]
        var weightFiles: [URL] = []

        if FileManager.default.fileExists(atPath: index.path) {
            let model = try Self.readIndex(index)
            var header = "Model:      \(TerminalText.line(model.className ?? "(no _class_name)"))"
            if let version = model.diffusersVersion { header += ", diffusers \(TerminalText.line(version))" }
            lines.append(header)
            lines.append("Components:")
            for component in model.components {
                let folder = directory.appendingPathComponent(component.name, isDirectory: true)
                let files = Self.safeTensorsFiles(in: folder)
                var line = "  \(TerminalText.line(component.name)): "
                    + [component.library, component.className].compactMap { $0 }.map(TerminalText.line).joined(separator: " ")
                if component.className == nil { line += "(not set)" }
                if component.className != nil {
                    if !FileManager.default.fileExists(atPath: folder.path) {
                        line += "  (missing folder)"
                    } else if files.isEmpty {
                        line += "  (no weights)"
                    } else {
                        line += "  (\(files.map(\.lastPathComponent).joined(separator: ", ")))"
                    }
                }
                lines.append(line)
                if component.className != nil { weightFiles += files }
            }
        } else {
            weightFiles = Self.safeTensorsFiles(in: directory)
            guard !weightFiles.isEmpty else { throw CLIError.notAModelDirectory(path: directory.path) }
        }

        var totalTensors = 0, totalParameters = 0
        for file in weightFiles {
            let relative = file.path.hasPrefix(directory.path + "/") ? String(file.path.dropFirst(directory.path.count + 1)) : file.path
            let report = try SafeTensorsReport(url: file, displayPath: relative, listTensors: listTensors)
            totalTensors += report.tensorCount
            totalParameters += report.parameterCount
            lines.append("")
            lines.append(report.text.trimmingCharacters(in: .newlines))
        }
        lines.append("")
        lines.append("Total:      \(weightFiles.count) weight file(s), \(totalTensors) tensors, "
                     + "\(SafeTensorsReport.count(totalParameters)) parameters")
        text = lines.joined(separator: "\n") + "\n"
    }

    struct Component {
        var name: String
        var library: String?
        var className: String?
    }

    struct Index {
        var className: String?
        var diffusersVersion: String?
        var components: [Component]
    }

    /// Keys not starting with "_" whose value is `[library, class]` (either may be null) are
    /// components. Read like every model config (control characters and deep nesting refused).
    static func readIndex(_ url: URL) throws -> Index {
        let config = try ModelConfig(contentsOf: url, name: url.path)
        var components: [Component] = []
        for (key, value) in config.values.sorted(by: { $0.key < $1.key }) where !key.hasPrefix("_") {
            guard case let .array(pair) = value, pair.count == 2 else { continue } // other settings
            func string(_ value: JSONValue) -> String? {
                if case let .string(text) = value { return text }
                return nil
            }
            components.append(Component(name: key, library: string(pair[0]), className: string(pair[1])))
        }
        return Index(className: try config.optionalString("_class_name"),
                     diffusersVersion: try config.optionalString("_diffusers_version"),
                     components: components)
    }

    static func safeTensorsFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".safetensors") }.sorted().map { folder.appendingPathComponent($0) }
    }
}
