import Foundation

/// Step previews: the exact decode, or the model's cheap `LatentPreviewMap`, as a `PreviewMode` picks.
extension GenerationPipeline {
    /// The preview map in `layout`, if any: a missing file is no map and no notice; a file that
    /// cannot be used (unreadable, corrupt, another version, wrong shape or latent channels,
    /// non-finite numbers) is no map and a notice — previews then fall back to the exact decode
    /// rather than the model failing to load. A pixel-space model needs no map (its "decode" is free).
    static func loadPreviewMap(_ layout: ModelDirectory, decoder: (any LatentDecoder)?) -> (LatentPreviewMap?, String?) {
        let url = layout.previewMapURL
        guard let decoder, FileManager.default.fileExists(atPath: url.path) else { return (nil, nil) }
        let fallback = "; step previews use the exact VAE decode instead (refit it with Training/fit_preview_map.py, or delete it)"
        do {
            let map = try LatentPreviewMap(contentsOf: url, name: url.path)
            guard map.latentChannels == decoder.latentChannels else {
                return (nil, "\(url.path): key 'latent_channels' is \(map.latentChannels) but the VAE has \(decoder.latentChannels)" + fallback)
            }
            return (map, nil)
        } catch {
            let problem = (error as? EngineError)?.description ?? "\(url.path): \(error)"
            return (nil, problem + fallback)
        }
    }

    /// The decode `mode` gives the preview of step `step` (1-based) of `total` with this model.
    public func previewDecoding(_ mode: PreviewMode, step: Int, of total: Int, decodeSeconds: Double? = nil,
                                stepSeconds: Double? = nil) -> PreviewMode.Decoding {
        mode.decoding(step: step, of: total, hasMap: previewMap != nil, decodeSeconds: decodeSeconds, stepSeconds: stepSeconds)
    }

    /// 8-bit RGB bytes (`width × height × 3`) previewing a predicted clean sample: the exact decode,
    /// or the preview map upsampled bilinearly to the image size (the exact decode when the model
    /// has no usable map).
    public func previewRGB8(_ sample: Tensor, width: Int, height: Int, decoding: PreviewMode.Decoding) throws -> [UInt8] {
        if decoding == .approximate, let previewMap {
            return previewMap.rgb8(sample, width: width, height: height)
        }
        return try rgb8(sample)
    }
}
