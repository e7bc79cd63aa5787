/// Which noise generator a job uses; `torch` reproduces PyTorch's CPU `torch.randn` for the seed,
/// `native` is the engine's own (faster) generator. Part of what makes an image reproducible.
public enum RNGChoice: String, Codable, Sendable, CaseIterable {
    case native
    case torch
}
