import Foundation
import ShapesWorld
import StudioCore

/// Keeps what `evaluate-regions --save` needs to study the misses afterwards: each image as a PNG and
/// one JSON line per layout with its boxes, the detector's regions in each image and each box's verdict.
struct PlacementRecorder {
    let folder: URL
    private let records: FileHandle

    init(folder: URL) throws {
        let url = folder.appendingPathComponent("records.jsonl")
        let handle: FileHandle?
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            handle = FileManager.default.createFile(atPath: url.path, contents: nil) ? try FileHandle(forWritingTo: url) : nil
        } catch {
            throw CLIError.badInput("--save \(folder.path): cannot write there (\(error.localizedDescription)); choose a writable folder")
        }
        guard let handle else {
            throw CLIError.badInput("--save \(folder.path): cannot create records.jsonl there; choose a writable folder")
        }
        records = handle
        self.folder = folder
    }

    /// One image with the detector's regions (found once) and each box's verdicts.
    struct Judged {
        let image: RGBImage
        let regions: [Detector.Region]
        let found: [Bool]
        let placed: Int
        let placedWithSize: Int

        init(_ image: RGBImage, layout: PlacementLayout) {
            self.image = image
            regions = Detector().regions(pixels: image.pixels, width: image.width, height: image.height).regions
            found = layout.judge(regions: regions)
            placed = found.filter { $0 }.count
            placedWithSize = layout.judge(regions: regions, sized: true).filter { $0 }.count
        }
    }

    /// Writes the images and the record; a failure is reported and the measurement goes on.
    func record(index: Int, seed: UInt64, layout: PlacementLayout, regional: Judged, plain: Judged?) {
        let name = String(format: "%03d", index)
        var line: [String: Any] = [
            "index": index, "seed": seed, "base_prompt": layout.basePrompt,
            "boxes": layout.boxes.map { box -> [String: Any] in
                ["box": [box.x0, box.y0, box.x1, box.y1], "colour": box.object.colour, "shape": box.object.shape.rawValue,
                 "size": box.object.size.rawValue]
            },
        ]
        for (kind, judged) in [("regional", regional), ("plain", plain)] {
            guard let judged else { continue }
            do {
                try PNGFile.write(judged.image, to: folder.appendingPathComponent("\(name)-\(kind).png"))
            } catch {
                Console.error("note: could not save \(name)-\(kind).png: \(error)")
            }
            line[kind] = [
                "found": judged.found,
                "regions": judged.regions.map { r -> [String: Any] in
                    ["colour": r.colour, "shape": r.shape.rawValue, "size": r.size.rawValue, "cx": r.cx, "cy": r.cy, "area": r.area]
                },
            ]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) else { return }
        records.write(data + Data("\n".utf8))
    }
}
