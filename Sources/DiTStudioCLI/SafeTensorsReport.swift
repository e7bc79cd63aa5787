import DiTEngine
import Foundation
import StudioCore

/// The `info` text for one safetensors file: metadata, totals, and a table of tensors. Metadata and
/// tensor names are outside text, each shown as one safe line (`TerminalText.line`).
struct SafeTensorsReport {
    let text: String
    let tensorCount: Int
    let parameterCount: Int

    init(url: URL, displayPath: String? = nil, listTensors: Bool) throws {
        let file = try SafeTensorsFile(url: url)
        let infos = file.tensorNames.compactMap(file.info)
        tensorCount = infos.count
        parameterCount = file.parameterCount
        let bytes = infos.reduce(0) { $0 + $1.byteRange.count }

        var dtypeCounts: [String: Int] = [:]
        for info in infos { dtypeCounts[info.dtype.rawValue, default: 0] += 1 }
        let dtypes = dtypeCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")

        var lines = [
            "File:       \(displayPath ?? url.path)",
            "Tensors:    \(infos.count)" + (dtypes.isEmpty ? "" : " (\(dtypes))"),
            "Parameters: \(Self.count(parameterCount)), \(Self.grouped(bytes)) bytes of data",
        ]
        if file.metadata.isEmpty {
            lines.append("Metadata:   none")
        } else {
            lines.append("Metadata:")
            for (key, value) in file.metadata.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(TerminalText.line(key)): \(TerminalText.line(value))")
            }
        }
        if listTensors && !infos.isEmpty {
            let names = infos.map { TerminalText.line($0.name) }
            let nameWidth = min(80, names.map(\.count).max() ?? 0)
            lines.append("")
            lines.append("  " + "name".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  dtype  shape")
            for (info, shown) in zip(infos, names) {
                let shape = "[" + info.shape.map(String.init).joined(separator: ", ") + "]"
                let name = shown.count >= nameWidth ? shown : shown.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                lines.append("  \(name)  \(info.dtype.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0))  \(shape)")
            }
        }
        text = lines.joined(separator: "\n") + "\n"
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// 1234567 → "1,234,567 (1.23 M)"; small counts plainly.
    static func count(_ value: Int) -> String {
        value < 1000 ? "\(value)" : "\(grouped(value)) (\(abbreviated(value)))"
    }

    /// 1234567 → "1.23 M".
    static func abbreviated(_ value: Int) -> String {
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
        for (scale, unit) in units where Double(value) >= scale {
            return String(format: "%.2f %@", Double(value) / scale, unit)
        }
        return "\(value)"
    }
}
