import StudioCore

extension FuzzTarget {
    /// A PNG as the studio opens an image: libpng through the C shim, the text chunks, then the
    /// metadata read from them and the job that would remake the image.
    public static let png = FuzzTarget(
        name: "png",
        summary: "a .png file: libpng decoding, text chunks, image metadata"
    ) { input in
        try ScratchFile.withFile(holding: input, suffix: ".png") { url in
            let png = try PNGFile.read(from: url)
            let pixels = png.image.width * png.image.height
            precondition(pixels > 0 && png.image.pixels.count == pixels * 3, "decoded pixels do not match the size")
            precondition(png.alpha == nil || png.alpha!.count == pixels, "decoded alpha does not match the size")
            let metadata = ImageMetadata(png: png)
            consume(try? metadata.jobRequest(defaults: GenerateParameters(prompt: ""), capabilities: DiTGenerationEngine.capabilities))
        }
    }
}
