#!/usr/bin/env python3
"""Fits the cheap per-step preview of a latent model: a linear map latent channels → RGB.

The studio previews every sampling step from the predicted clean latent x₀. Decoding it through the
VAE costs about as much as a transformer step; this map costs a few multiply-adds per latent pixel:

    rgb = conv2d(z, weights, bias, padding=k // 2)       (then upsampled to the image size)

weights is [3, C, k, k]. With --kernel 1 that is the classic per-pixel C×3 matrix plus bias; the
default --kernel 3 also reads the 8 neighbouring latent pixels, which this model's VAE needs (its
4×4-pixel blocks carry edges and shape, not only colour): on held-out scenes it raises the PSNR
from about 13 dB (k = 1) to about 17 dB, for 9× the multiply-adds (about 0.06 MFLOP for a 64×64 image).

z is the latent exactly as the sampler holds it — the model's normalised latent space, *before*
`z / scaling_factor + shift_factor` (the fit absorbs both factors) — and rgb is in the decoder's
output range, about [-1, 1], so the engine's usual 8-bit conversion applies.

The fit is ordinary least squares against the exact decode average-pooled to the latent grid (one
value per latent pixel, a `factor × factor` block of the decoded image), over
  - encoder latents of many fresh Shapes-World scenes (what a finished sample looks like), and
  - the predicted clean latents x₀ of every step of a few generations (what previews really show:
    blurry, off-manifold early on).
It reports PSNR (images in [0, 1], clamped) on held-out scenes and held-out generations, at preview
resolution (latent grid) and at full resolution after bilinear upsampling, and writes
`preview_map.json` into the model directory:

    python3 Training/fit_preview_map.py [--model Models/shapes-mmdit] [--scenes 3000] [--generations 32] [--kernel 3]
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Training"))
import shapes_world as sw  # noqa: E402
from common import scene_batch  # noqa: E402
from models import MAX_TOKENS, load_export  # noqa: E402
from sample import guided_euler  # noqa: E402

FORMAT = "dit-studio-latent-preview-map"
VERSION = 1


@torch.no_grad()
def encoder_latents(vae, shift: float, scale: float, n: int, seed: int) -> torch.Tensor:
    """Normalised encoder latents (mode) of n fresh scenes, [n, C, h, w]."""
    rng = random.Random(seed)
    out = []
    for start in range(0, n, 100):
        x, _ = scene_batch(rng, min(100, n - start))
        out.append((vae.encode(x).latent_dist.mode() - shift) * scale)
    return torch.cat(out)


@torch.no_grad()
def sampled_x0(transformer, text_encoder, tokenizer, n: int, seed: int, steps: int, cfg: float,
               shift: float) -> torch.Tensor:
    """The predicted clean latent x₀ = x − σ·v of every step of n generations, [n·steps, C, h, w]."""
    rng = random.Random(seed)
    captions = [sw.random_scene(rng).caption() for _ in range(n)]
    c, size = transformer.config.in_channels, transformer.config.sample_size
    x = torch.cat([torch.randn((1, c, size, size), generator=torch.Generator().manual_seed(seed + i))
                   for i in range(n)])
    predictions = []
    guided_euler(transformer, text_encoder, tokenizer, captions, x, steps, cfg, shift,
                 on_step=lambda i, x_i, sigma, v: predictions.append(x_i - sigma * v))
    return torch.cat(predictions)


@torch.no_grad()
def decoded(vae, z: torch.Tensor, shift: float, scale: float) -> torch.Tensor:
    return torch.cat([vae.decode(z[i:i + 100] / scale + shift).sample for i in range(0, len(z), 100)])


def design(z: torch.Tensor, k: int) -> torch.Tensor:
    """[N·h·w, C·k·k + 1]: every latent pixel's k×k neighbourhood (zero padded, ordered channel,
    kernel row, kernel column as conv2d's weights are) and a 1 for the bias."""
    patches = F.unfold(z, k, padding=k // 2)                     # [N, C·k·k, h·w]
    rows = patches.permute(0, 2, 1).reshape(-1, patches.shape[1]).double()
    return torch.cat([rows, torch.ones(len(rows), 1, dtype=torch.float64)], dim=1)


def apply_map(z: torch.Tensor, weights: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """[N, 3, h, w] from [N, C, h, w]: the engine's computation."""
    return F.conv2d(z, weights, bias, padding=weights.shape[-1] // 2)


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """PSNR in dB of images in [-1, 1], compared in [0, 1] after clamping (as they are shown)."""
    unit = lambda t: ((t + 1) / 2).clamp(0, 1)
    mse = F.mse_loss(unit(a).double(), unit(b).double()).item()
    return 10 * math.log10(1 / mse) if mse > 0 else float("inf")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "Models" / "shapes-mmdit")
    ap.add_argument("--scenes", type=int, default=3000, help="scenes for the fit (as many again, /4, held out)")
    ap.add_argument("--generations", type=int, default=32, help="generations whose per-step x₀ join the fit")
    ap.add_argument("--kernel", type=int, default=3, choices=(1, 3), help="neighbourhood side (1: per pixel)")
    ap.add_argument("--seed", type=int, default=20261130)
    ap.add_argument("--out", type=Path, default=None, help="where to write (default: MODEL/preview_map.json)")
    args = ap.parse_args()
    torch.set_num_threads(1)

    transformer, text_encoder, vae, shift, scale, _ = load_export(args.model)
    for m in (transformer, text_encoder, vae):
        m.eval()
    factor = 2 ** (len(vae.config.block_out_channels) - 1)
    studio = json.loads((args.model / "studio.json").read_text()) if (args.model / "studio.json").exists() else {}
    steps, cfg, flow_shift = studio.get("steps", 20), studio.get("guidance", 4.0), studio.get("shift", 1.0)
    tokenizer = sw.build_tokenizer(MAX_TOKENS)

    fit_scenes = encoder_latents(vae, shift, scale, args.scenes, args.seed)
    fit_x0 = sampled_x0(transformer, text_encoder, tokenizer, args.generations, args.seed, steps, cfg, flow_shift)
    test_scenes = encoder_latents(vae, shift, scale, max(1, args.scenes // 4), args.seed + 1)
    test_x0 = sampled_x0(transformer, text_encoder, tokenizer, max(1, args.generations // 4), args.seed + 10_000,
                         steps, cfg, flow_shift)

    fit_z = torch.cat([fit_scenes, fit_x0])
    target = F.avg_pool2d(decoded(vae, fit_z, shift, scale), factor)
    k = args.kernel
    solution = torch.linalg.lstsq(design(fit_z, k), target.permute(0, 2, 3, 1).reshape(-1, 3).double()).solution
    weights = solution[:-1].float().T.reshape(3, fit_z.shape[1], k, k).contiguous()
    bias = solution[-1].float()

    report = {}
    for name, z in (("scenes", test_scenes), ("sampling_x0", test_x0)):
        exact = decoded(vae, z, shift, scale)
        approx = apply_map(z, weights, bias)
        full = F.interpolate(approx, scale_factor=factor, mode="bilinear", align_corners=False)
        report[name] = {
            "count": len(z),
            "psnr_db_preview_resolution": round(psnr(approx, F.avg_pool2d(exact, factor)), 2),
            "psnr_db_full_resolution_bilinear": round(psnr(full, exact), 2),
        }
    document = {
        "format": FORMAT,
        "version": VERSION,
        "latent_space": "normalised",
        "latent_channels": int(weights.shape[1]),
        "kernel_size": k,
        "comment": "rgb = conv2d(z, weights [3, C, k, k], bias, padding k // 2), per latent pixel; z as sampled "
                   "(before 1/scaling_factor + shift_factor); rgb about [-1, 1] like the VAE's output. "
                   "Written by Training/fit_preview_map.py.",
        "weights": [[[[float(f"{v:.7g}") for v in row] for row in plane] for plane in out] for out in weights.tolist()],
        "bias": [float(f"{v:.7g}") for v in bias.tolist()],
        "fit": {"kernel": k, "scenes": args.scenes, "generations": args.generations, "steps": steps, "cfg": cfg,
                "held_out": report},
    }
    out = args.out or args.model / "preview_map.json"
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
