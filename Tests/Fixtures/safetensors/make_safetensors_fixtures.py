#!/usr/bin/env python3
"""Writes the safetensors fixtures in this folder with the reference `safetensors` library, so the
Swift reader is checked against files it did not write itself.

Run from anywhere: python3 Tests/Fixtures/safetensors/make_safetensors_fixtures.py
(torch 2.13.0, safetensors made them).

- mixed_dtypes.safetensors: one tensor per dtype the reader converts, with metadata.
- tiny_model/: a diffusers-layout directory (model_index.json naming two components with
  safetensors weights, one without) for `dit-studio info DIR`.
"""
import json
import os

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))

tensors = {
    # values chosen to be exact in every dtype they are stored in
    "weight_f32": torch.tensor([[1.5, -2.25, 0.0], [3.0e-3, 1.0e30, -0.0]], dtype=torch.float32),
    "weight_f16": torch.tensor([0.5, -1.0, 65504.0, 5.960464477539063e-08], dtype=torch.float16),
    "weight_bf16": torch.tensor([[1.0], [-3.5], [1.0e38]], dtype=torch.float32).to(torch.bfloat16),
    "weight_f64": torch.tensor([0.125, -7.0], dtype=torch.float64),
    "step_i64": torch.tensor([-3, 0, 1 << 40], dtype=torch.int64),
    "ids_i32": torch.tensor([[7, -8]], dtype=torch.int32),
    "mask_bool": torch.tensor([True, False, True], dtype=torch.bool),
    "pixels_u8": torch.tensor([0, 128, 255], dtype=torch.uint8),
    "scalar_f32": torch.tensor(4.0, dtype=torch.float32),
    "empty_f32": torch.zeros((0, 3), dtype=torch.float32),
}
save_file(tensors, os.path.join(HERE, "mixed_dtypes.safetensors"),
          metadata={"format": "pt", "note": "fixture \u00e9"})

model = os.path.join(HERE, "tiny_model")
for component in ("transformer", "text_encoder", "tokenizer"):
    os.makedirs(os.path.join(model, component), exist_ok=True)
with open(os.path.join(model, "model_index.json"), "w") as f:
    json.dump({
        "_class_name": "StableDiffusion3Pipeline",
        "_diffusers_version": "0.42.1",
        "scheduler": [None, None],
        "text_encoder": ["transformers", "CLIPTextModelWithProjection"],
        "tokenizer": ["transformers", "PreTrainedTokenizerFast"],
        "transformer": ["diffusers", "SD3Transformer2DModel"],
    }, f, indent=2)
with open(os.path.join(model, "transformer", "config.json"), "w") as f:
    json.dump({"_class_name": "SD3Transformer2DModel", "num_layers": 1}, f, indent=2)
save_file({
    "pos_embed.proj.weight": torch.full((4, 2, 2, 2), 0.25, dtype=torch.float16),
    "pos_embed.proj.bias": torch.zeros(4, dtype=torch.float16),
    "proj_out.weight": torch.ones((8, 4), dtype=torch.float16),
}, os.path.join(model, "transformer", "diffusion_pytorch_model.safetensors"), metadata={"format": "pt"})
with open(os.path.join(model, "text_encoder", "config.json"), "w") as f:
    json.dump({"architectures": ["CLIPTextModelWithProjection"]}, f, indent=2)
save_file({
    "text_model.embeddings.token_embedding.weight": torch.arange(12, dtype=torch.float32).reshape(6, 2),
    "text_projection.weight": torch.eye(2, dtype=torch.float32).to(torch.bfloat16),
}, os.path.join(model, "text_encoder", "model.safetensors"), metadata={"format": "pt"})
with open(os.path.join(model, "tokenizer", "tokenizer.json"), "w") as f:
    json.dump({"version": "1.0", "model": {"type": "WordLevel", "vocab": {"<unk>": 0}, "unk_token": "<unk>"}}, f)
