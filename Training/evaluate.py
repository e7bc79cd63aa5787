"""Adherence of the embedded model: fresh captions through the reference sampler, scored by the detector.

Usage: python3 evaluate.py [--model ../Models/shapes-mmdit | --checkpoint ~/ckpt/.../dit/latest.pt] [--n 70]
Prints adherence for 1-, 2- and 3-object captions (colour, shape, size and position of every object) and
the background accuracy, as JSON.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import torch

import shapes_world as sw
from sample import generate


def adherence(transformer, text_encoder, tokenizer, vae, shift_f, scale_f, n_per_count: int,
              steps: int = 20, cfg: float = 4.0, shift: float = 1.0, seed: int = 20261125,
              batch: int = 50) -> dict:
    transformer.eval(); text_encoder.eval()
    items = sw.held_out_captions(n_per_count, seed)
    per_count = {1: [], 2: [], 3: []}
    bg = []
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        caps = [c for _, c in chunk]
        imgs = generate(transformer, text_encoder, tokenizer, vae, shift_f, scale_f, caps,
                        seeds=[seed + start + i for i in range(len(chunk))], steps=steps, cfg=cfg, shift=shift)
        for (scene, cap), img in zip(chunk, imgs):
            j = sw.judge(img, cap)
            per_count[len(scene.objects)].append(j.objects_ok)
            bg.append(bool(j.background_ok))
    out = {f"obj{k}": round(sum(v) / len(v), 4) for k, v in per_count.items()}
    out["background"] = round(sum(bg) / len(bg), 4)
    out["n"] = len(items)
    return out


def main() -> None:
    from models import MAX_TOKENS, load_export
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=Path(__file__).resolve().parent.parent / "Models" / "shapes-mmdit")
    ap.add_argument("--n", type=int, default=70, help="captions per object count")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--cfg", type=float, default=4.0)
    ap.add_argument("--shift", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=99)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tr, te, vae, shift_f, scale_f, _ = load_export(args.model)
    tok = sw.build_tokenizer(MAX_TOKENS)
    res = adherence(tr, te, tok, vae, shift_f, scale_f, args.n, args.steps, args.cfg, args.shift, seed=args.seed)
    res.update(steps=args.steps, cfg=args.cfg, shift=args.shift)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
