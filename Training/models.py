"""The embedded model's architecture (configs) and loading from a checkpoint or from the export."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from diffusers import AutoencoderKL, SD3Transformer2DModel
from transformers import CLIPTextConfig, CLIPTextModelWithProjection

import shapes_world as sw
from train_vae import VAE_CONFIG

MAX_TOKENS = 32  # <bos> + the longest 3-object caption (30 words) + <eos>

CLIP_CONFIG = dict(
    vocab_size=len(sw.SPECIAL_TOKENS) + len(sw.VOCABULARY), hidden_size=128, intermediate_size=512,
    num_hidden_layers=2, num_attention_heads=4, max_position_embeddings=MAX_TOKENS, hidden_act="quick_gelu",
    projection_dim=128, pad_token_id=0, bos_token_id=2, eos_token_id=3,
)
DIT_CONFIG = dict(
    sample_size=16, patch_size=2, in_channels=4, out_channels=4, num_layers=6, attention_head_dim=32,
    num_attention_heads=4, joint_attention_dim=128, caption_projection_dim=128, pooled_projection_dim=128,
    pos_embed_max_size=16,
)


def new_text_encoder() -> CLIPTextModelWithProjection:
    return CLIPTextModelWithProjection(CLIPTextConfig(**CLIP_CONFIG))


def new_transformer() -> SD3Transformer2DModel:
    return SD3Transformer2DModel(**DIT_CONFIG)


def load_export(path: Path):
    """(transformer, text_encoder, vae, shift, scale, training record) from an exported model directory, in F32."""
    tr = SD3Transformer2DModel.from_pretrained(path / "transformer", torch_dtype=torch.float32)
    te = CLIPTextModelWithProjection.from_pretrained(path / "text_encoder", torch_dtype=torch.float32)
    vae = AutoencoderKL.from_pretrained(path / "vae", torch_dtype=torch.float32)
    record = json.loads((path / "training.json").read_text()) if (path / "training.json").exists() else {}
    return tr, te, vae, vae.config.shift_factor or 0.0, vae.config.scaling_factor, record


def vae_from_checkpoint(ckpt: Path) -> AutoencoderKL:
    vae = AutoencoderKL(**VAE_CONFIG)
    vae.load_state_dict(torch.load(ckpt, weights_only=False)["model"])
    return vae.eval()
