"""Trains the Shapes-World MMDiT (diffusers SD3Transformer2DModel) and its CLIP text encoder, from scratch,
on the latents of the frozen autoencoder trained by train_vae.py.

Rectified flow (x_σ = (1−σ)·z + σ·ε, target v = ε − z), logit-normal σ, 10% empty captions (in the caption
variants), AdamW, warm-up, gradient clipping, EMA. Resumable from $CKPT_ROOT/dit/latest.pt, or — on a fresh
machine — from the last export in Models/shapes-mmdit (EMA weights, fresh optimiser). Logs loss, and
adherence every --eval-minutes of training time, to $CKPT_ROOT/dit/log.jsonl.

With --regional-batch N every step also trains N scenes under regional prompting (regional.py): each object
gets a box and a prompt without positions, and the model sees the regional attention the Swift engine applies
while σ is above --regional-sigma (its inject steps) and the base prompt alone below it (its later steps).
"""
from __future__ import annotations

import argparse
import copy
import math
import random
import time

import numpy as np
import torch

import shapes_world as sw
from common import CKPT_ROOT, EXPORT_DIR, apply_thread_setting, log_line, save_checkpoint, scene_batch
import regional as rp
from evaluate import adherence
from models import MAX_TOKENS, load_export, new_text_encoder, new_transformer, vae_from_checkpoint


@torch.no_grad()
def measure_latent_stats(vae, n: int = 256) -> tuple[float, float]:
    """SD3-style normalisation: shift = mean of the posterior modes, scale = 1 / their std."""
    x, _ = scene_batch(random.Random(31337), n)
    z = vae.encode(x).latent_dist.mode()
    return float(z.mean()), float(1.0 / z.std())


@torch.no_grad()
def ema_update(ema, model, decay: float) -> None:
    for pe, pm in zip(ema.parameters(), model.parameters()):
        pe.lerp_(pm, 1.0 - decay)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=1e9, help="stop after this much total training time")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--eval-minutes", type=float, default=20)
    ap.add_argument("--eval-n", type=int, default=40, help="captions per object count in each evaluation")
    ap.add_argument("--eval-set", choices=("held-out", "fixed"), default="held-out",
                    help="held-out: fresh captions (the curve so far); fixed: the first --eval-n per count of "
                         "the fixed set eval-captions-v1, with its seeds (comparable with dit-studio evaluate)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--anneal-minutes", type=float, default=0.0,
                    help="cosine-decay the learning rate to --lr-floor over this many training minutes, counted "
                         "from the first run that asks for it (kept in the checkpoint, so resuming continues it)")
    ap.add_argument("--lr-floor", type=float, default=2e-5)
    ap.add_argument("--restart-anneal", action="store_true",
                    help="begin a new cosine cycle from --lr now (a warm restart), even if an earlier one finished")
    ap.add_argument("--count-weights", default=None,
                    help="training mix of 1-, 2- and 3-object scenes, e.g. 1,2,2 (default: the world's 2:2:1)")
    ap.add_argument("--regional-batch", type=int, default=0,
                    help="scenes per step trained under regional prompting, beside --batch plain ones (0: none)")
    ap.add_argument("--regional-sigma", type=float, default=0.6,
                    help="regional samples above this σ get the regional attention, below it the base prompt alone "
                         "(the studio's 8 inject steps of 20 end at σ = 0.6)")
    ap.add_argument("--regional-free-boxes", type=float, default=0.0,
                    help="share of regional boxes drawn as free rectangles around their object (any size and aspect "
                         "that touches no other object) instead of around its named cell")
    args = ap.parse_args()
    apply_thread_setting(args.threads)

    out = CKPT_ROOT / "dit"
    ckpt_path, log_path = out / "latest.pt", out / "log.jsonl"
    tokenizer = sw.build_tokenizer(MAX_TOKENS)
    torch.manual_seed(0)
    transformer, text_encoder = new_transformer(), new_text_encoder()
    state = {"step": 0, "images": 0, "train_seconds": 0.0, "last_eval": 0.0, "evals": []}
    if ckpt_path.exists():
        ck = torch.load(ckpt_path, weights_only=False)
        transformer.load_state_dict(ck["transformer"]); text_encoder.load_state_dict(ck["text_encoder"])
        ema_tr, ema_te = new_transformer(), new_text_encoder()
        ema_tr.load_state_dict(ck["ema_transformer"]); ema_te.load_state_dict(ck["ema_text_encoder"])
        vae = vae_from_checkpoint(CKPT_ROOT / "vae" / "latest.pt") if ck.get("vae") is None else None
        if vae is None:
            from diffusers import AutoencoderKL
            from train_vae import VAE_CONFIG
            vae = AutoencoderKL(**VAE_CONFIG); vae.load_state_dict(ck["vae"]); vae.eval()
        shift_f, scale_f = ck["latent_shift"], ck["latent_scale"]
        state = ck["state"]
        opt_state = ck["opt"]
        print(f"resumed DiT at step {state['step']} ({state['train_seconds'] / 60:.1f} min)", flush=True)
    elif (EXPORT_DIR / "transformer").exists():
        transformer, text_encoder, vae, shift_f, scale_f, record = load_export(EXPORT_DIR)
        ema_tr, ema_te = copy.deepcopy(transformer), copy.deepcopy(text_encoder)
        state.update({k: record[k] for k in ("step", "images", "regional_images", "train_seconds", "evals") if k in record})
        state["last_eval"] = state["train_seconds"]
        opt_state = None
        print(f"resumed DiT from the export in {EXPORT_DIR} ({state['train_seconds'] / 60:.1f} min), fresh AdamW", flush=True)
    else:
        vae = vae_from_checkpoint(CKPT_ROOT / "vae" / "latest.pt")
        shift_f, scale_f = measure_latent_stats(vae)
        ema_tr, ema_te = copy.deepcopy(transformer), copy.deepcopy(text_encoder)
        opt_state = None
        print(f"new DiT; latent shift {shift_f:.4f} scale {scale_f:.4f}", flush=True)
    for p in vae.parameters():
        p.requires_grad_(False)
    ema_tr.eval(); ema_te.eval()

    if args.regional_batch:
        rp.install(transformer)
    params = list(transformer.parameters()) + list(text_encoder.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, betas=(0.9, 0.99), weight_decay=0.0)
    if opt_state is not None:
        opt.load_state_dict(opt_state)
    step0 = state["step"] if opt_state is None else 0  # a fresh optimiser warms up again from here

    def checkpoint() -> None:
        save_checkpoint({"transformer": transformer.state_dict(), "text_encoder": text_encoder.state_dict(),
                         "ema_transformer": ema_tr.state_dict(), "ema_text_encoder": ema_te.state_dict(),
                         "vae": vae.state_dict(), "latent_shift": shift_f, "latent_scale": scale_f,
                         "opt": opt.state_dict(), "state": state}, ckpt_path)

    if args.anneal_minutes > 0 and ("anneal_start" not in state or args.restart_anneal):
        state["anneal_start"] = state["train_seconds"]
    count_weights = tuple(float(w) for w in args.count_weights.split(",")) if args.count_weights else None

    def learning_rate() -> float:
        """Warm-up, then the base rate, or the cosine anneal towards the floor once one has begun."""
        warm = min(1.0, (state["step"] - step0 + 1) / args.warmup)
        if "anneal_start" not in state or args.anneal_minutes <= 0:
            return args.lr * warm
        progress = min(1.0, (state["train_seconds"] - state["anneal_start"]) / (args.anneal_minutes * 60))
        return warm * (args.lr_floor + 0.5 * (args.lr - args.lr_floor) * (1 + math.cos(math.pi * progress)))

    def regional_loss() -> torch.Tensor:
        """The flow-matching loss of a batch of regional layouts (see the module docstring)."""
        n = args.regional_batch
        xr, region_prompts, base_prompts, masks, ratios = rp.regional_batch(rng, n, MAX_TOKENS, count_weights, free_share=args.regional_free_boxes)
        with torch.no_grad():
            zr = (vae.encode(xr).latent_dist.mode() - shift_f) * scale_f
        ids = torch.tensor([e.ids for e in tokenizer.encode_batch(region_prompts + base_prompts)], dtype=torch.long)
        enc = text_encoder(input_ids=ids, output_hidden_states=True)
        hidden = enc.hidden_states[-2]
        regions = hidden[: n * rp.R_MAX].reshape(n, rp.R_MAX * MAX_TOKENS, -1)
        context = torch.cat([regions, hidden[n * rp.R_MAX:]], 1)
        pooled = enc.text_embeds[n * rp.R_MAX:]
        sigma_r = torch.sigmoid(torch.randn(n, generator=gen))
        ratios = torch.where(sigma_r > args.regional_sigma, ratios, torch.ones_like(ratios))
        eps_r = torch.randn(zr.shape, generator=gen)
        s_r = sigma_r.view(-1, 1, 1, 1)
        v_r = transformer(hidden_states=(1 - s_r) * zr + s_r * eps_r, timestep=sigma_r * 1000, encoder_hidden_states=context,
                          pooled_projections=pooled,
                          joint_attention_kwargs={"regional": {"mask": masks, "base_ratio": ratios, "text_tokens": MAX_TOKENS}}).sample
        return ((v_r - (eps_r - zr)) ** 2).mean()

    rng = random.Random(5000 + state["step"])
    gen = torch.Generator().manual_seed(5000 + state["step"])
    last_save = time.time()
    transformer.train(); text_encoder.train()
    losses = []
    while state["train_seconds"] < args.minutes * 60:
        apply_thread_setting(args.threads)
        t0 = time.time()
        lr = learning_rate()
        for g in opt.param_groups:
            g["lr"] = lr
        x, captions, _ = scene_batch(rng, args.batch, with_captions=True, count_weights=count_weights)
        with torch.no_grad():
            z = (vae.encode(x).latent_dist.mode() - shift_f) * scale_f
        ids = torch.tensor([e.ids for e in tokenizer.encode_batch(captions)], dtype=torch.long)
        enc = text_encoder(input_ids=ids, output_hidden_states=True)
        sigma = torch.sigmoid(torch.randn(args.batch, generator=gen))
        eps = torch.randn(z.shape, generator=gen)
        s = sigma.view(-1, 1, 1, 1)
        x_t = (1 - s) * z + s * eps
        v = transformer(hidden_states=x_t, timestep=sigma * 1000, encoder_hidden_states=enc.hidden_states[-2],
                        pooled_projections=enc.text_embeds).sample
        loss = ((v - (eps - z)) ** 2).mean()
        if args.regional_batch:
            loss = (loss * args.batch + regional_loss() * args.regional_batch) / (args.batch + args.regional_batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        ema_update(ema_tr, transformer, args.ema); ema_update(ema_te, text_encoder, args.ema)
        losses.append(loss.item())
        state["step"] += 1; state["images"] += args.batch
        if args.regional_batch:
            state["regional_images"] = state.get("regional_images", 0) + args.regional_batch
        state["train_seconds"] += time.time() - t0
        if state["step"] % 200 == 0:
            log_line(log_path, kind="train", step=state["step"], images=state["images"],
                     minutes=round(state["train_seconds"] / 60, 2), loss=round(float(np.mean(losses)), 5),
                     lr=lr, threads=torch.get_num_threads())
            losses = []
        if time.time() - last_save > 300:
            checkpoint(); last_save = time.time()
        if state["train_seconds"] - state["last_eval"] >= args.eval_minutes * 60:
            state["last_eval"] = state["train_seconds"]
            caption_set = sw.load_eval_captions() if args.eval_set == "fixed" else None
            res = adherence(ema_tr, ema_te, tokenizer, vae, shift_f, scale_f, args.eval_n, caption_set=caption_set)
            res.update(minutes=round(state["train_seconds"] / 60, 1), images=state["images"], step=state["step"])
            state["evals"].append(res)
            log_line(log_path, kind="eval", **res)
            checkpoint(); last_save = time.time()
    checkpoint()


if __name__ == "__main__":
    main()
