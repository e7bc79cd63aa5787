import Foundation
import StudioCore

extension FuzzTarget {
    /// The `dit-studio` JSON chunk: decoded, turned into the job that remakes the image, and
    /// written into the two chunks a re-saved image would carry; our own chunks must read back to
    /// the same record.
    public static let studioMetadata = FuzzTarget(
        name: "studio-metadata",
        summary: "the 'dit-studio' JSON text chunk: decode, job request, chunks written and read back"
    ) { input in
        // Read as an image's chunk is read (the format version checked first, as the studio does).
        let text = String(decoding: input, as: UTF8.self)
        let chunk = PNGImage(image: RGBImage(width: 1, height: 1, pixels: [0, 0, 0]), format: PNGFormat(colorType: .rgb, bitDepth: 8),
                             textChunks: [PNGTextChunk(keyword: ImageMetadata.studioKeyword, text: text, kind: .internationalText)])
        let metadata = ImageMetadata(png: chunk)
        guard let provenance = metadata.provenance else {
            throw metadata.studioProblem ?? MetadataError.unreadableChunk(path: "input", keyword: ImageMetadata.studioKeyword,
                                                                           key: nil, reason: "no record")
        }
        consume(provenance.jobRequest)
        consume(try? provenance.parameters.validate(for: provenance.model))
        let chunks = try ImageMetadata.textChunks(for: provenance)
        let image = PNGImage(image: RGBImage(width: 1, height: 1, pixels: [0, 0, 0]),
                             format: PNGFormat(colorType: .rgb, bitDepth: 8), textChunks: chunks)
        let reread = ImageMetadata(png: image)
        precondition(reread.provenance == provenance, "the record does not survive being written and read back: \(reread.notes)")
        consume(reread.parameters?.generateParameters(defaults: provenance.parameters))
    }
}
