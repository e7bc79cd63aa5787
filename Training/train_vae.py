"""Trains the Shapes-World AutoencoderKL (64×64×3 → 16×16×4) until the detector accepts its reconstructions.

Resumable: state in $CKPT_ROOT/vae/latest.pt. The gate (SHAPES_WORLD detector on reconstructions of fresh
scenes) is evaluated every --eval-minutes; training stops when it reaches --gate or after --minutes.
"""
from __future__ import annotations

import argparse
import math
import random
import time

import numpy as np
import torch
import torch.nn.functional as F
from diffusers import AutoencoderKL

import shapes_world as sw
from common import CKPT_ROOT, apply_thread_setting, log_line, save_checkpoint, scene_batch

VAE_CONFIG = dict(
    in_channels=3, out_channels=3,
    down_block_types=("DownEncoderBlock2D",) * 3, up_block_types=("UpDecoderBlock2D",) * 3,
    block_out_channels=(16, 32, 64), layers_per_block=1, latent_channels=4, norm_num_groups=8,
    sample_size=64, act_fn="silu",
)


def edge_weights(x: torch.Tensor, boost: float) -> torch.Tensor:
    """1 everywhere, 1 + boost on pixels next to a colour change: corners and edges decide the detector."""
    g = torch.zeros_like(x[:, :1])
    dx = (x[:, :, :, 1:] - x[:, :, :, :-1]).abs().sum(1, keepdim=True) > 0
    dy = (x[:, :, 1:, :] - x[:, :, :-1, :]).abs().sum(1, keepdim=True) > 0
    g[:, :, :, 1:] += dx; g[:, :, :, :-1] += dx; g[:, :, 1:, :] += dy; g[:, :, :-1, :] += dy
    return 1.0 + boost * (g > 0).float()


@torch.no_grad()
def gate(vae: AutoencoderKL, n: int, seed: int) -> float:
    """Fraction of fresh scenes whose reconstruction passes the detector for the canonical caption."""
    rng = random.Random(seed)
    vae.eval()
    ok = 0
    for start in range(0, n, 50):
        x, scenes = scene_batch(rng, min(50, n - start))
        rec = vae.decode(vae.encode(x).latent_dist.mode()).sample
        for r, s in zip(rec.numpy(), scenes):
            ok += sw.judge(sw.from_unit(r), s.caption()).ok
    vae.train()
    return ok / n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=45, help="training-time budget (total, across resumes)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--edge-boost", type=float, default=3.0)
    ap.add_argument("--gate", type=float, default=0.99)
    ap.add_argument("--eval-minutes", type=float, default=8)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    out = CKPT_ROOT / "vae"
    ckpt_path, log_path = out / "latest.pt", out / "log.jsonl"
    torch.manual_seed(0)
    vae = AutoencoderKL(**VAE_CONFIG)
    opt = torch.optim.AdamW(vae.parameters(), lr=args.lr, betas=(0.9, 0.99), weight_decay=0.0)
    state = {"step": 0, "images": 0, "train_seconds": 0.0, "last_eval": 0.0, "passed": False}
    if ckpt_path.exists():
        ck = torch.load(ckpt_path, weights_only=False)
        vae.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"]); state = ck["state"]
        print(f"resumed VAE at step {state['step']} ({state['train_seconds'] / 60:.1f} min)", flush=True)
    if state["passed"]:
        print("VAE already passed its gate", flush=True)
        return
    rng = random.Random(1000 + state["step"])
    budget = args.minutes * 60
    last_save = time.time()
    while state["train_seconds"] < budget:
        apply_thread_setting(args.threads)
        t0 = time.time()
        frac = state["train_seconds"] / budget
        lr = 1e-4 + 0.5 * (args.lr - 1e-4) * (1 + math.cos(math.pi * min(frac, 1.0)))
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (state["step"] + 1) / 200)
        x, _ = scene_batch(rng, args.batch)
        post = vae.encode(x).latent_dist
        rec = vae.decode(post.sample()).sample
        w = edge_weights(x, args.edge_boost)
        mse = (w * (rec - x) ** 2).mean()
        l1 = (w * (rec - x).abs()).mean()
        kl = post.kl().mean()
        loss = mse + 0.5 * l1 + 1e-6 * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        state["step"] += 1; state["images"] += args.batch
        state["train_seconds"] += time.time() - t0
        if state["step"] % 100 == 0:
            log_line(log_path, kind="train", step=state["step"], images=state["images"],
                     minutes=round(state["train_seconds"] / 60, 2), loss=round(loss.item(), 5),
                     mse=round(F.mse_loss(rec, x).item(), 6), lr=lr)
        if time.time() - last_save > 120:
            save_checkpoint({"model": vae.state_dict(), "opt": opt.state_dict(), "state": state, "config": VAE_CONFIG}, ckpt_path)
            last_save = time.time()
        if state["train_seconds"] - state["last_eval"] > args.eval_minutes * 60:
            state["last_eval"] = state["train_seconds"]
            acc = gate(vae, 500, seed=777)
            log_line(log_path, kind="gate", step=state["step"], minutes=round(state["train_seconds"] / 60, 2), n=500, accepted=acc)
            if acc >= args.gate + 0.003:
                acc = gate(vae, 1000, seed=4242)
                log_line(log_path, kind="gate", step=state["step"], minutes=round(state["train_seconds"] / 60, 2), n=1000, accepted=acc)
                if acc >= args.gate:
                    state["passed"] = True
                    break
    acc = gate(vae, 1000, seed=4242)
    log_line(log_path, kind="final_gate", step=state["step"], minutes=round(state["train_seconds"] / 60, 2), n=1000, accepted=acc)
    state["passed"] = state["passed"] or acc >= args.gate
    state["final_gate"] = acc
    save_checkpoint({"model": vae.state_dict(), "opt": opt.state_dict(), "state": state, "config": VAE_CONFIG}, ckpt_path)


if __name__ == "__main__":
    main()
