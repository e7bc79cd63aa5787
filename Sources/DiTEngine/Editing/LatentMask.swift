/// A pixel mask taken to the latent grid: a latent cell is regenerated when any of its pixels is,
/// and the result is dilated by one cell, so the decoder's reach across cell borders never pulls
/// unmasked latents into a masked pixel's neighbourhood.
public enum LatentMask {
    /// `[h·w]` values of 1 (regenerate) or 0 (keep) for a `factor`-times smaller grid.
    public static func cells(of mask: RegionMask, factor: Int) -> (width: Int, height: Int, values: [Float]) {
        let width = mask.width / factor, height = mask.height / factor
        var hit = [Bool](repeating: false, count: width * height)
        for y in 0..<(height * factor) {
            for x in 0..<(width * factor) where mask.values[y * mask.width + x] != 0 {
                hit[(y / factor) * width + x / factor] = true
            }
        }
        var values = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var any = false
                for dy in -1...1 {
                    for dx in -1...1 {
                        let (nx, ny) = (x + dx, y + dy)
                        if nx >= 0, nx < width, ny >= 0, ny < height, hit[ny * width + nx] { any = true }
                    }
                }
                values[y * width + x] = any ? 1 : 0
            }
        }
        return (width, height, values)
    }
}
