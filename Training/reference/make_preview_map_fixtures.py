#!/usr/bin/env python3
"""Reference for the latent preview map (Sources/DiTEngine/Sampling/LatentPreviewMap.swift):
Tests/Fixtures/preview/map_k{1,3}.json (maps in the preview_map.json format) and cases.json
(latents, the map's image at latent resolution, the bilinear upsampling and the 8-bit bytes).

The map is rgb = torch.nn.functional.conv2d(z, weights [3, C, k, k], bias, padding=k // 2); the
upsampling torch.nn.functional.interpolate(size=(H, W), mode="bilinear", align_corners=False); the
bytes round(clamp((y + 1) / 2, 0, 1) · 255) as the generation contract says.

Run from the repository root: python3 Training/reference/make_preview_map_fixtures.py (deterministic).
"""
import json
from pathlib import Path

import torch
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_num_threads(1)
OUT = Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "preview"
C, h, w = 4, 3, 5          # latent channels and grid
H, W = 12, 20              # preview size (×4, as the shipped VAE)


def rounded(t: torch.Tensor) -> list:
    return [float(f"{v:.7g}") for v in t.flatten().tolist()]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    z = torch.randn(1, C, h, w)
    cases = {"latents": rounded(z), "shape": [1, C, h, w], "width": W, "height": H, "maps": {}}
    for k in (1, 3):
        weights = torch.randn(3, C, k, k) * 0.4
        bias = torch.randn(3) * 0.2
        weights = torch.tensor(rounded(weights)).view(3, C, k, k)   # what the file holds, exactly
        bias = torch.tensor(rounded(bias))
        doc = {"format": "dit-studio-latent-preview-map", "version": 1, "latent_space": "normalised",
               "latent_channels": C, "kernel_size": k, "weights": weights.tolist(), "bias": bias.tolist()}
        (OUT / f"map_k{k}.json").write_text(json.dumps(doc) + "\n")
        latent_rgb = F.conv2d(z, weights, bias, padding=k // 2)
        full = F.interpolate(latent_rgb, size=(H, W), mode="bilinear", align_corners=False)
        pixels = torch.round(((full + 1) / 2).clamp(0, 1) * 255)[0].permute(1, 2, 0)
        cases["maps"][f"map_k{k}.json"] = {"latent_rgb": rounded(latent_rgb), "upsampled": rounded(full),
                                           "rgb8": [int(v) for v in pixels.flatten().tolist()]}
    (OUT / "cases.json").write_text(json.dumps(cases) + "\n")


if __name__ == "__main__":
    main()
