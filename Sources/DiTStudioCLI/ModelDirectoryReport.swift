import DiTEngine
import Foundation

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
            var header = "Model:      \(model.className ?? "(no _class_name)")"
            if let version = model.diffusersVersion { header += ", diffusers \(version)" }
            lines.append(header)
            lines.append("Components:")
            for component in model.components {
                let folder = directory.appendingPathComponent(component.name, isDirectory: true)
                let files = Self.safeTensorsFiles(in: folder)
                var line = "  \(component.name): " + [component.library, component.className].compactMap { $0 }.joined(separator: " ")
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

    /// Keys not starting with "_" whose value is `[library, class]` (either may be null) are components.
    static func readIndex(_ url: URL) throws -> Index {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: InputFile.read(url, maximumBytes: 1 << 20))
        } catch let error as InputFileError {
            throw CLIError.invalidModelIndex(path: url.path, reason: error.reason)
        } catch {
            throw CLIError.invalidModelIndex(path: url.path, reason: "not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw CLIError.invalidModelIndex(path: url.path, reason: "not a JSON object")
        }
        var components: [Component] = []
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where !key.hasPrefix("_") {
            guard let pair = value as? [Any], pair.count == 2 else { continue } // other settings
            components.append(Component(name: key, library: pair[0] as? String, className: pair[1] as? String))
        }
        return Index(className: fields["_class_name"] as? String,
                     diffusersVersion: fields["_diffusers_version"] as? String,
                     components: components)
    }

    static func safeTensorsFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".safetensors") }.sorted().map { folder.appendingPathComponent($0) }
    }
}
