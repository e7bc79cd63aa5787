import Foundation

/// Layout files (TOML): the same `Layout` the studio's editor, the queue, presets and PNG metadata
/// use, in a form people write by hand.
///
/// ```toml
/// base_prompt = "a red circle and a blue square on a white background"
/// base_ratio = 0.3              # 0…1: the base prompt's share of the image's attention
/// inject_steps = 8              # optional (default: the model's studio.json)
/// block_interval = 1            # optional
/// region_emphasis = 6           # optional: 0…20, how much more a region's text counts (e^E)
/// background_prompt = "…"       # optional: a prompt for the area no region covers
///
/// [[region]]
/// box = [0.0, 0.0, 0.45, 0.5]   # x0, y0, x1, y1 in fractions of the image
/// prompt = "a large red circle"
///
/// [[region]]
/// mask = "square.png"           # or a mask PNG (white = inside), relative to this file
/// prompt = "a large blue square"
/// ```
///
/// Overlapping regions are allowed: tokens in both see both prompts. Unknown keys are warnings;
/// every error names the file, the line and the key.
public enum LayoutFile {
    static let topKeys = ["base_prompt", "base_ratio", "inject_steps", "block_interval", "region_emphasis", "background_prompt", "region"]
    static let regionKeys = ["box", "mask", "prompt"]

    /// Loads the layout in `url`; mask paths stay as written (relative to the file's folder).
    public static func load(contentsOf url: URL, displayPath: String? = nil) throws -> (Layout, [ConfigWarning]) {
        let document = try ConfigDocument(contentsOf: url, displayPath: displayPath)
        let layout = try load(document, directory: url.deletingLastPathComponent())
        return (layout, document.warnings)
    }

    /// Loads a layout from TOML text; masks resolve against `directory`.
    public static func load(text: String, file: String, directory: URL? = nil) throws -> (Layout, [ConfigWarning]) {
        let document = try ConfigDocument(file: file, text: text)
        return (try load(document, directory: directory), document.warnings)
    }

    private static func load(_ document: ConfigDocument, directory: URL?) throws -> Layout {
        let root = document.root
        document.warnAboutUnknownKeys(in: root, known: topKeys)
        guard let basePrompt = try document.string(root, "base_prompt") else {
            throw ConfigFileError.missingKey(file: document.file, key: "base_prompt",
                                             reason: "a layout needs a prompt for the whole image")
        }
        let baseRatio = try document.number(root, "base_ratio") ?? 0.3
        guard baseRatio.isFinite, (0...1).contains(baseRatio) else {
            throw document.invalid(root, "base_ratio", "must be between 0 and 1 (got \(baseRatio))")
        }
        let injectSteps = try document.integer(root, "inject_steps", in: 0...10_000)
        let blockInterval = try document.integer(root, "block_interval", in: 1...1000)
        let emphasis = try document.number(root, "region_emphasis")
        if let emphasis, let problem = Layout.emphasisProblem(emphasis) { throw document.invalid(root, "region_emphasis", problem) }
        let background = try document.string(root, "background_prompt")
        guard let tables = try document.tables(root, "region"), !tables.isEmpty else {
            throw ConfigFileError.missingKey(file: document.file, key: "region",
                                             reason: "add at least one [[region]] with a box (or mask) and a prompt")
        }
        guard tables.count <= Layout.maximumRegions else {
            throw document.invalid(root, "region", "at most \(Layout.maximumRegions) regions (got \(tables.count))")
        }
        let regions = try tables.map { try region(document, $0, directory: directory) }
        return Layout(basePrompt: basePrompt, baseRatio: baseRatio, regions: regions, injectSteps: injectSteps,
                      blockInterval: blockInterval, backgroundPrompt: background, regionEmphasis: emphasis)
    }

    /// One `[[region]]` table: a prompt and a box or a mask PNG (relative paths resolve against
    /// `directory` and are kept absolute). Shared by layout files and presets' regional operations.
    static func region(_ document: ConfigDocument, _ table: ConfigTable, directory: URL?) throws -> LayoutRegion {
        document.warnAboutUnknownKeys(in: table, known: regionKeys)
        guard let prompt = try document.string(table, "prompt"),
              !prompt.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("prompt"),
                                             reason: "every region needs a prompt")
        }
        let maskPath = try document.string(table, "mask")
        let boxValues = try document.array(table, "box")
        switch (boxValues, maskPath) {
        case (nil, nil):
            throw ConfigFileError.missingKey(file: document.file, key: table.keyPath("box"),
                                             reason: "give the region a box = [x0, y0, x1, y1] or a mask = \"file.png\"")
        case (_?, _?):
            throw document.invalid(table, "mask", "a region has a box or a mask, not both")
        case let (values?, nil):
            let numbers = try values.map { value -> Double in
                switch value {
                case let .integer(n): return Double(n)
                case let .float(x): return x
                default: throw document.invalid(table, "box", "expected four numbers [x0, y0, x1, y1], found \(value.typeName)")
                }
            }
            guard numbers.count == 4 else {
                throw document.invalid(table, "box", "expected four numbers [x0, y0, x1, y1] (got \(numbers.count))")
            }
            let box = RegionBox(x0: numbers[0], y0: numbers[1], x1: numbers[2], y1: numbers[3])
            do { try box.validate() } catch let JobError.invalidLayout(reason) {
                throw document.invalid(table, "box", reason)
            }
            return LayoutRegion(box: box, prompt: prompt)
        case let (nil, path?):
            let mask: RegionMaskBounds
            do {
                mask = try RegionMaskBounds(path: path, directory: directory)
            } catch let JobError.invalidLayout(reason) {
                throw document.invalid(table, "mask", reason)
            } catch let JobError.invalidMask(reason) {
                throw document.invalid(table, "mask", reason)
            }
            return LayoutRegion(box: mask.box, prompt: prompt, mask: mask.path)
        }
    }

    /// The layout as TOML text (what `load` reads back to the same layout).
    public static func text(of layout: Layout) -> String {
        var lines = ["base_prompt = \(quoted(layout.basePrompt))", "base_ratio = \(layout.baseRatio)"]
        if let injectSteps = layout.injectSteps { lines.append("inject_steps = \(injectSteps)") }
        if let blockInterval = layout.blockInterval { lines.append("block_interval = \(blockInterval)") }
        if let emphasis = layout.regionEmphasis { lines.append("region_emphasis = \(emphasis)") }
        if let background = layout.backgroundPrompt { lines.append("background_prompt = \(quoted(background))") }
        for region in layout.regions {
            lines.append("")
            lines.append("[[region]]")
            if let mask = region.mask {
                lines.append("mask = \(quoted(mask))")
            } else {
                let b = region.box
                lines.append("box = [\(b.x0), \(b.y0), \(b.x1), \(b.y1)]")
            }
            lines.append("prompt = \(quoted(region.prompt))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// A mask region's file, checked while loading (it must be a readable PNG with some white), and
/// the bounding box the editor and queue show for it.
struct RegionMaskBounds {
    let path: String
    let box: RegionBox

    init(path: String, directory: URL?) throws {
        let mask = try MaskImage.load(path, relativeTo: directory)
        guard let box = MaskImage.boundingBox(of: mask) else {
            throw JobError.invalidLayout("the mask \(path) has no white pixels (white marks the region)")
        }
        self.box = box
        self.path = MaskImage.resolve(path, relativeTo: directory).path
    }
}
