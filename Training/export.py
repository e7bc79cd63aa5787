"""Exports the EMA weights of the DiT checkpoint (and its frozen autoencoder) to Models/shapes-mmdit/ in the
diffusers layout, in F16, with the tokenizer, a scheduler config, the studio defaults and the training record.

Usage: python3 export.py [--checkpoint ~/ckpt/dit-studio/dit/latest.pt] [--out ../Models/shapes-mmdit]
The model card (README.md in the export) is written by hand from the figures in training.json.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch
from diffusers import AutoencoderKL

import shapes_world as sw
from common import CKPT_ROOT, EXPORT_DIR
from models import MAX_TOKENS, new_text_encoder, new_transformer
from train_vae import VAE_CONFIG

# Studio defaults for steps/guidance/shift; tuned with `dit-studio evaluate` and evaluate.py (model card).
STUDIO_DEFAULTS = {"steps": 20, "guidance": 3.0, "shift": 1.0, "sampler": "euler", "width": 64, "height": 64}


def export(ckpt_path: Path, out: Path) -> None:
    ck = torch.load(ckpt_path, weights_only=False)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    tr = new_transformer(); tr.load_state_dict(ck["ema_transformer"])
    te = new_text_encoder(); te.load_state_dict(ck["ema_text_encoder"])
    vae = AutoencoderKL(**VAE_CONFIG, scaling_factor=ck["latent_scale"], shift_factor=ck["latent_shift"])
    vae.load_state_dict(ck["vae"])
    tr.to(torch.float16).save_pretrained(tmp / "transformer")
    te.to(torch.float16).save_pretrained(tmp / "text_encoder")
    vae.to(torch.float16).save_pretrained(tmp / "vae")
    tok = sw.build_tokenizer(MAX_TOKENS)
    (tmp / "tokenizer").mkdir()
    tok.save(str(tmp / "tokenizer" / "tokenizer.json"))
    (tmp / "tokenizer" / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": MAX_TOKENS, "bos_token": "<bos>",
        "eos_token": "<eos>", "unk_token": "<unk>", "pad_token": "<pad>"}, indent=2) + "\n")
    (tmp / "scheduler").mkdir()
    (tmp / "scheduler" / "scheduler_config.json").write_text(json.dumps({
        "_class_name": "FlowMatchEulerDiscreteScheduler", "num_train_timesteps": 1000,
        "shift": STUDIO_DEFAULTS["shift"]}, indent=2) + "\n")
    (tmp / "model_index.json").write_text(json.dumps({
        "_class_name": "DiTStudioShapesPipeline", "_diffusers_version": "0.42.1",
        "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
        "text_encoder": ["transformers", "CLIPTextModelWithProjection"],
        "tokenizer": ["transformers", "PreTrainedTokenizerFast"],
        "transformer": ["diffusers", "SD3Transformer2DModel"],
        "vae": ["diffusers", "AutoencoderKL"]}, indent=2) + "\n")
    (tmp / "studio.json").write_text(json.dumps(STUDIO_DEFAULTS, indent=2) + "\n")
    st = ck["state"]
    (tmp / "training.json").write_text(json.dumps({
        "step": st["step"], "images": st["images"], "train_seconds": st["train_seconds"], "evals": st["evals"],
        "latent_shift": ck["latent_shift"], "latent_scale": ck["latent_scale"]}, indent=2) + "\n")
    if (out / "README.md").exists():
        shutil.copy(out / "README.md", tmp / "README.md")
    # Swap the new export in with renames only, so that a crash leaves one complete copy in place.
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"exported step {st['step']} ({st['train_seconds'] / 60:.1f} min) to {out}: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", type=Path, default=CKPT_ROOT / "dit" / "latest.pt")
    ap.add_argument("--out", type=Path, default=EXPORT_DIR)
    a = ap.parse_args()
    export(a.checkpoint, a.out)
