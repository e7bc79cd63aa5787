import Foundation

/// A cheap stand-in for the VAE decoder in per-step previews: a small linear map from latent
/// channels to RGB, `rgb = conv2d(z, weights, bias, padding: k / 2)` with `weights` `[3, C, k, k]`
/// (k = 1 is the classic per-pixel C×3 matrix plus bias), applied to the latent as the sampler holds
/// it (the model's normalised space, before `z / scaling_factor + shift_factor`; the fit absorbs
/// both), giving an image at latent resolution in the decoder's range (about [−1, 1]) that is then
/// upsampled bilinearly to the preview size.
///
/// A decode costs about a transformer step; this costs a few multiply-adds per latent pixel, so a
/// studio generation need not pay twice for its previews. It is only a preview: the final image is
/// always decoded exactly. Fitted by `Training/fit_preview_map.py`, stored beside the model as
/// `preview_map.json`.
public struct LatentPreviewMap: Sendable, Equatable {
    /// The file in a model directory.
    public static let fileName = "preview_map.json"
    /// The `format` key's value.
    public static let format = "dit-studio-latent-preview-map"
    /// The one `version` this engine reads.
    public static let version = 1
    /// Kernel sides a map may have (odd, so that the output keeps the latent grid).
    public static let kernelSizes: Set<Int> = [1, 3, 5]

    public let latentChannels: Int
    public let kernelSize: Int
    /// `[3, C, k, k]`, row-major (PyTorch's conv2d weight layout).
    public let weights: [Float]
    /// One per RGB channel.
    public let bias: [Float]

    /// Checks shapes and that every number is finite; `name` is what messages call the source.
    public init(latentChannels: Int, kernelSize: Int, weights: [Float], bias: [Float], name: String = fileName) throws {
        guard (1...64).contains(latentChannels) else {
            throw EngineError.invalidConfig(file: name, key: "latent_channels", reason: "is \(latentChannels); expected 1–64")
        }
        guard Self.kernelSizes.contains(kernelSize) else {
            throw EngineError.invalidConfig(file: name, key: "kernel_size", reason: "is \(kernelSize); expected one of \(Self.kernelSizes.sorted())")
        }
        let expected = 3 * latentChannels * kernelSize * kernelSize
        guard weights.count == expected else {
            throw EngineError.invalidConfig(file: name, key: "weights",
                                            reason: "has \(weights.count) numbers; [3, \(latentChannels), \(kernelSize), \(kernelSize)] needs \(expected)")
        }
        guard bias.count == 3 else {
            throw EngineError.invalidConfig(file: name, key: "bias", reason: "has \(bias.count) numbers; expected 3 (R, G, B)")
        }
        if let index = weights.firstIndex(where: { !$0.isFinite }) {
            throw EngineError.invalidConfig(file: name, key: "weights", reason: "holds a non-finite number (\(weights[index]) at flat index \(index))")
        }
        if let index = bias.firstIndex(where: { !$0.isFinite }) {
            throw EngineError.invalidConfig(file: name, key: "bias", reason: "holds a non-finite number (\(bias[index]) at index \(index))")
        }
        self.latentChannels = latentChannels
        self.kernelSize = kernelSize
        self.weights = weights
        self.bias = bias
    }

    /// Reads a `preview_map.json`; every problem (unreadable, not JSON, another format or version,
    /// shapes that disagree, non-finite numbers) throws an `EngineError` that names the file and key.
    public init(contentsOf url: URL, name: String = fileName) throws {
        let config = try ModelConfig(contentsOf: url, name: name)
        guard config.values["format"] == .string(Self.format) else {
            throw EngineError.invalidConfig(file: name, key: "format",
                                            reason: "is \(config.values["format"]?.summary ?? "absent"); expected \"\(Self.format)\"")
        }
        let version = try config.int("version")
        guard version == Self.version else {
            throw EngineError.invalidConfig(file: name, key: "version",
                                            reason: "is \(version); this engine reads version \(Self.version) (refit with Training/fit_preview_map.py)")
        }
        if let space = config.values["latent_space"], space != .string("normalised") {
            throw EngineError.invalidConfig(file: name, key: "latent_space", reason: "is \(space.summary); expected \"normalised\"")
        }
        let channels = try config.int("latent_channels")
        let kernel = try config.int("kernel_size", default: 1)
        // Shapes first, so that a wrong size is reported as itself and not as the arrays it misfits.
        guard (1...64).contains(channels) else {
            throw EngineError.invalidConfig(file: name, key: "latent_channels", reason: "is \(channels); expected 1–64")
        }
        guard Self.kernelSizes.contains(kernel) else {
            throw EngineError.invalidConfig(file: name, key: "kernel_size", reason: "is \(kernel); expected one of \(Self.kernelSizes.sorted())")
        }
        let weights = try Self.numbers(config.values["weights"], shape: [3, channels, kernel, kernel], key: "weights", name: name)
        let bias = try Self.numbers(config.values["bias"], shape: [3], key: "bias", name: name)
        try self.init(latentChannels: channels, kernelSize: kernel, weights: weights, bias: bias, name: name)
    }

    /// The numbers of nested arrays of exactly `shape`, flattened row-major.
    static func numbers(_ value: JSONValue?, shape: [Int], key: String, name: String) throws -> [Float] {
        guard let value else { throw EngineError.invalidConfig(file: name, key: key, reason: "is missing") }
        var out: [Float] = []
        out.reserveCapacity(shape.reduce(1, *))
        func walk(_ value: JSONValue, depth: Int, path: String) throws {
            if depth == shape.count {
                guard let number = value.doubleValue else {
                    throw EngineError.invalidConfig(file: name, key: key + path, reason: "is \(value.summary); expected a number")
                }
                let float = Float(number)
                guard float.isFinite else {
                    throw EngineError.invalidConfig(file: name, key: key + path, reason: "is \(value.summary), not a finite 32-bit number")
                }
                out.append(float)
                return
            }
            guard case .array(let items) = value, items.count == shape[depth] else {
                let found: String
                if case .array(let items) = value { found = "an array of \(items.count)" } else { found = value.summary }
                throw EngineError.invalidConfig(file: name, key: key + path,
                                                reason: "is \(found); expected an array of \(shape[depth]) (the whole shape is \(shape))")
            }
            for (index, item) in items.enumerated() { try walk(item, depth: depth + 1, path: path + "[\(index)]") }
        }
        try walk(value, depth: 0, path: "")
        return out
    }

    /// The RGB image `[1, 3, h, w]` (about [−1, 1]) of latents `[1, C, h, w]`, at latent resolution.
    public func apply(_ latents: Tensor) -> Tensor {
        precondition(latents.rank == 4 && latents.shape[0] == 1 && latents.shape[1] == latentChannels,
                     "the preview map takes [1, \(latentChannels), h, w] latents, got \(latents.shape)")
        let (height, width) = (latents.shape[2], latents.shape[3])
        let plane = height * width
        let (k, radius, channels) = (kernelSize, kernelSize / 2, latentChannels)
        var image = Tensor(shape: [1, 3, height, width])
        latents.withUnsafeBufferPointer { z in
            image.withUnsafeMutableBufferPointer { rgb in
                weights.withUnsafeBufferPointer { w in
                    for out in 0..<3 {
                        let target = rgb.baseAddress! + out * plane
                        for pixel in 0..<plane { target[pixel] = bias[out] }
                        for c in 0..<channels {
                            let source = z.baseAddress! + c * plane
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let weight = w[((out * channels + c) * k + ky) * k + kx]
                                    let (dy, dx) = (ky - radius, kx - radius)
                                    for y in max(0, -dy)..<min(height, height - dy) {
                                        let row = target + y * width, from = source + (y + dy) * width + dx
                                        for x in max(0, -dx)..<min(width, width - dx) { row[x] += weight * from[x] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return image
    }

    /// 8-bit RGB bytes (`width × height × 3`) of latents `[1, C, h, w]`: the map, then a bilinear
    /// upsampling to `width × height` (pixel centres aligned as PyTorch's
    /// `interpolate(mode="bilinear", align_corners=False)`), then the usual 8-bit conversion.
    public func rgb8(_ latents: Tensor, width: Int, height: Int) -> [UInt8] {
        PixelConversion.rgb8(Self.bilinear(apply(latents), width: width, height: height))
    }

    /// `image` `[1, C, h, w]` resized to `[1, C, height, width]` as PyTorch's
    /// `interpolate(mode="bilinear", align_corners=False)` does (edges clamped).
    public static func bilinear(_ image: Tensor, width: Int, height: Int) -> Tensor {
        precondition(image.rank == 4 && image.shape[0] == 1 && width > 0 && height > 0, "bilinear takes [1, C, h, w], got \(image.shape)")
        let (channels, inHeight, inWidth) = (image.shape[1], image.shape[2], image.shape[3])
        /// For each output index: the two source indices and the second one's weight.
        func taps(_ count: Int, from source: Int) -> [(Int, Int, Float)] {
            let scale = Float(source) / Float(count)
            return (0..<count).map { index in
                let position = max(0, (Float(index) + 0.5) * scale - 0.5)
                let low = min(Int(position), source - 1)
                let high = min(low + 1, source - 1)
                return (low, high, position - Float(low))
            }
        }
        let rows = taps(height, from: inHeight), columns = taps(width, from: inWidth)
        var out = Tensor(shape: [1, channels, height, width])
        image.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for c in 0..<channels {
                    let plane = source.baseAddress! + c * inHeight * inWidth
                    let result = target.baseAddress! + c * height * width
                    for (y, (y0, y1, fy)) in rows.enumerated() {
                        let top = plane + y0 * inWidth, bottom = plane + y1 * inWidth
                        for (x, (x0, x1, fx)) in columns.enumerated() {
                            let upper = top[x0] + (top[x1] - top[x0]) * fx
                            let lower = bottom[x0] + (bottom[x1] - bottom[x0]) * fx
                            result[y * width + x] = upper + (lower - upper) * fy
                        }
                    }
                }
            }
        }
        return out
    }
}
