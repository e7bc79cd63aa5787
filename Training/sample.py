"""The reference sampler: diffusers' flow-matching Euler schedule with classifier-free guidance.

Exactly the generation contract of DESIGN.md, batched over captions, so that evaluation numbers and the
Swift engine's images can be compared seed for seed (noise = torch.randn with a per-image generator).
"""
from __future__ import annotations

import numpy as np
import torch
from diffusers import FlowMatchEulerDiscreteScheduler


def encode_text(text_encoder, tokenizer, captions: list[str]):
    ids = torch.tensor([e.ids for e in tokenizer.encode_batch(captions)], dtype=torch.long)
    out = text_encoder(input_ids=ids, output_hidden_states=True)
    return out.hidden_states[-2], out.text_embeds


@torch.no_grad()
def guided_euler(transformer, text_encoder, tokenizer, captions: list[str], noise: torch.Tensor, steps: int,
                 cfg: float, shift: float, on_step=None) -> torch.Tensor:
    """The Euler sampling loop with classifier-free guidance (empty prompt unconditional), both branches
    in one batch; on_step(i, x, sigma, v) sees each step's sample and guided velocity. Returns the final latent."""
    n = len(captions)
    ctx_c, pool_c = encode_text(text_encoder, tokenizer, captions)
    ctx_u, pool_u = encode_text(text_encoder, tokenizer, [""])
    ctx = torch.cat([ctx_c, ctx_u.expand(n, -1, -1)])
    pooled = torch.cat([pool_c, pool_u.expand(n, -1)])
    sched = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=shift)
    sched.set_timesteps(steps)
    sigmas = sched.sigmas
    x = noise
    for i in range(steps):
        t = (sigmas[i] * 1000).expand(2 * n)
        v = transformer(hidden_states=torch.cat([x, x]), timestep=t, encoder_hidden_states=ctx,
                        pooled_projections=pooled).sample
        v_c, v_u = v[:n], v[n:]
        v = v_u + cfg * (v_c - v_u)
        if on_step is not None:
            on_step(i, x, sigmas[i], v)
        x = x + (sigmas[i + 1] - sigmas[i]) * v
    return x


@torch.no_grad()
def generate(transformer, text_encoder, tokenizer, vae, vae_shift: float, vae_scale: float,
             captions: list[str], seeds: list[int], steps: int = 20, cfg: float = 4.0, shift: float = 1.0,
             size: int = 64) -> np.ndarray:
    """Images (uint8 [N, H, W, 3]) for the captions, one seed each."""
    n = len(captions)
    c_lat = transformer.config.in_channels
    factor = 2 ** (len(vae.config.block_out_channels) - 1) if vae is not None else 1
    h = size // factor
    noise = torch.cat([torch.randn((1, c_lat, h, h), generator=torch.Generator().manual_seed(s)) for s in seeds])
    x = guided_euler(transformer, text_encoder, tokenizer, captions, noise, steps, cfg, shift)
    y = vae.decode(x / vae_scale + vae_shift).sample if vae is not None else x
    return np.round(((y + 1) / 2).clamp(0, 1).mul(255).numpy()).astype(np.uint8).transpose(0, 2, 3, 1)
