import DiTEngine

extension FuzzTarget {
    /// A safetensors file, opened as the weight loader opens one, then every tensor read: once the
    /// header is accepted, reading must stay inside the file.
    public static let safetensors = FuzzTarget(
        name: "safetensors",
        summary: "a .safetensors file: header validation, then every tensor decoded to Float"
    ) { input in
        try ScratchFile.withFile(holding: input, suffix: ".safetensors") { url in
            let file = try SafeTensorsFile(url: url)
            for name in file.tensorNames {
                guard let info = file.info(name) else { preconditionFailure("listed tensor '\(name)' has no info") }
                let values = try file.floats(name)
                precondition(values.count == info.elementCount, "tensor '\(name)' decoded to the wrong count")
                try file.withRawBytes(name) { bytes in
                    precondition(bytes.count == info.elementCount * info.dtype.byteSize, "tensor '\(name)' has the wrong byte count")
                }
            }
            consume(file.parameterCount)
        }
    }
}
