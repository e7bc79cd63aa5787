#!/usr/bin/env python3
"""Checks that regional training sees the attention the Swift engine applies: one regional layout sampled
in PyTorch with Training/regional.py's processor (regions padded to R_MAX slots, as in training) and by
`dit-studio generate --region … --rng torch` with the same seed and settings; the two PNGs must agree within
one level per channel (the engine's parity contract with the reference pipeline).

Run from Training/: PYTHONPATH=. python3 reference/check_regional_training.py [path/to/dit-studio]
(default ../.build/release/dit-studio). Exits 1 when any value differs by more than one level.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from diffusers import FlowMatchEulerDiscreteScheduler

import regional as rp
import shapes_world as sw
from common import EXPORT_DIR
from models import load_export, MAX_TOKENS
from sample import encode_text

tr, te, vae, sh, sc, _ = load_export(EXPORT_DIR); rp.install(tr)
tok = sw.build_tokenizer(MAX_TOKENS)
boxes = [(0.05, 0.05, 0.45, 0.45), (0.5, 0.3, 0.95, 0.8)]
prompts = ["a large red square", "a small blue circle"]
base = "a large red square and a small blue circle on a white background"
seed, steps, cfg, inject, emph, beta = 11, 20, 3.0, 8, 6.0, 0.3
with torch.no_grad():
    h, pooled = encode_text(te, tok, prompts + [""] * (rp.R_MAX - len(prompts)) + [base])
    ctx_r = torch.cat([h[:rp.R_MAX].reshape(1, -1, h.shape[-1]), h[rp.R_MAX:]], 1)
    pool_b = pooled[rp.R_MAX:]
    ctx_b = h[rp.R_MAX:]
    ctx_u, pool_u = encode_text(te, tok, [""])
    mask = rp.regional_mask(boxes, MAX_TOKENS, emph).unsqueeze(0).unsqueeze(0)
    sched = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=1.0); sched.set_timesteps(steps)
    s = sched.sigmas
    x = torch.randn((1, 4, 16, 16), generator=torch.Generator().manual_seed(seed))
    for i in range(steps):
        t = (s[i] * 1000).expand(1)
        if i < inject:
            vc = tr(hidden_states=x, timestep=t, encoder_hidden_states=ctx_r, pooled_projections=pool_b,
                    joint_attention_kwargs={"regional": {"mask": mask, "base_ratio": torch.tensor([beta]), "text_tokens": MAX_TOKENS}}).sample
        else:
            vc = tr(hidden_states=x, timestep=t, encoder_hidden_states=ctx_b, pooled_projections=pool_b).sample
        vu = tr(hidden_states=x, timestep=t, encoder_hidden_states=ctx_u, pooled_projections=pool_u).sample
        x = x + (s[i + 1] - s[i]) * (vu + cfg * (vc - vu))
    y = vae.decode(x / sc + sh).sample
    py = np.round(((y + 1) / 2).clamp(0, 1).mul(255).numpy()).astype(np.uint8)[0].transpose(1, 2, 0)
binary = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[2] / ".build" / "release" / "dit-studio")
out = Path(tempfile.mkdtemp()) / "swift.png"
args = [binary, "generate", base, "--model", str(EXPORT_DIR), "--rng", "torch", "--seed", str(seed), "--steps", str(steps), "--cfg", str(cfg),
        "--region-emphasis", str(emph), "--base-ratio", str(beta), "--inject-steps", str(inject), "--out", str(out)]
for b, p in zip(boxes, prompts): args += ["--region", ",".join(map(str, b)) + ":" + p]
subprocess.run(args, check=True, env={"OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}, stdout=subprocess.DEVNULL)
sw_img = np.array(Image.open(out).convert("RGB"))
d = np.abs(sw_img.astype(int) - py.astype(int))
print(f"PyTorch (regional training processor) vs Swift: largest pixel difference {d.max()}, mean {d.mean():.4f}")
sys.exit(1 if d.max() > 1 else 0)
