#!/usr/bin/env python3
"""Writes a random-weight model directory of the embedded model's size, for benchmarks only (the
weights are noise; the point is the arithmetic): SD3Transformer2DModel with 6 joint blocks, width 128
(4 heads x 32) and a 2-layer, width-128 CLIPTextModelWithProjection with a WordLevel tokenizer —
the configuration the embedded model was first measured with (6 joint blocks, width 128).

    python3 Benchmarks/make_bench_model.py OUT_DIR [--kind pixel|latent]

pixel: 3 channels, patch 4, 64x64 pixels = 256 image tokens (the "pixel MMDiT" of the notes);
latent: 4 channels, patch 2, 16x16 latents = 64 image tokens, with a random AutoencoderKL of the
notes' size (blocks 16/32/64, one layer each, 4 latent channels, 8 groups: 64x64 <-> 16x16x4).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
warnings.filterwarnings("ignore")

import torch  # noqa: E402
from diffusers import AutoencoderKL, SD3Transformer2DModel  # noqa: E402
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors  # noqa: E402
from transformers import CLIPTextConfig, CLIPTextModelWithProjection  # noqa: E402

WORDS = ("a an the small large big tiny red green blue yellow orange purple white black gray circle "
         "square triangle at in on of and top bottom left right center background middle").split()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--kind", choices=["pixel", "latent"], default="pixel")
    args = ap.parse_args()
    torch.manual_seed(0)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    vocab = {"<pad>": 0, "<unk>": 1, "<bos>": 2, "<eos>": 3}
    for word in WORDS:
        vocab.setdefault(word, len(vocab))
    max_len = 32
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="<bos> $A <eos>", special_tokens=[("<bos>", 2), ("<eos>", 3)])
    tok.enable_truncation(max_length=max_len)
    tok.enable_padding(pad_id=0, pad_token="<pad>", length=max_len)
    (out / "tokenizer").mkdir(exist_ok=True)
    tok.save(str(out / "tokenizer" / "tokenizer.json"))

    clip = CLIPTextModelWithProjection(CLIPTextConfig(
        vocab_size=len(vocab), hidden_size=128, intermediate_size=512, num_hidden_layers=2, num_attention_heads=4,
        max_position_embeddings=max_len, projection_dim=128, hidden_act="quick_gelu",
        bos_token_id=2, eos_token_id=3, pad_token_id=0))
    clip.save_pretrained(str(out / "text_encoder"))

    pixel = args.kind == "pixel"
    transformer = SD3Transformer2DModel(
        sample_size=64 if pixel else 16, patch_size=4 if pixel else 2, in_channels=3 if pixel else 4,
        out_channels=3 if pixel else 4, num_layers=6, attention_head_dim=32, num_attention_heads=4,
        joint_attention_dim=128, caption_projection_dim=128, pooled_projection_dim=128,
        pos_embed_max_size=16)
    with torch.no_grad():  # adaLN-Zero starts at zero; random weights make the arithmetic non-trivial
        for p in transformer.parameters():
            p.normal_(0, 0.02)
    transformer.save_pretrained(str(out / "transformer"))
    index = {
        "_class_name": "StableDiffusion3Pipeline", "transformer": ["diffusers", "SD3Transformer2DModel"],
        "text_encoder": ["transformers", "CLIPTextModelWithProjection"], "tokenizer": ["tokenizers", "Tokenizer"],
    }
    if not pixel:
        vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(16, 32, 64),
                            down_block_types=("DownEncoderBlock2D",) * 3, up_block_types=("UpDecoderBlock2D",) * 3,
                            layers_per_block=1, norm_num_groups=8, sample_size=64,
                            scaling_factor=1.126, shift_factor=-0.110)
        vae.save_pretrained(str(out / "vae"))
        index["vae"] = ["diffusers", "AutoencoderKL"]
    (out / "model_index.json").write_text(json.dumps(index, indent=2))
    params = sum(p.numel() for p in transformer.parameters())
    print(f"{out}: {args.kind} bench model, transformer {params / 1e6:.2f}M parameters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
