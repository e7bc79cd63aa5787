#!/usr/bin/env python3
"""Reference fixtures for the Swift engine's parity tests.

Builds small random models with the reference classes (diffusers SD3Transformer2DModel and
AutoencoderKL, transformers CLIPTextModelWithProjection, a `tokenizers` WordLevel tokenizer),
saves each as a diffusers-layout model directory with `save_pretrained`, and records the
inputs and outputs of every stage in `expected.safetensors`, following Training/reference/FIXTURES.md
(the contract with the Swift tests). Also writes torch RNG goldens.

Run from the repository root:  python3 Training/reference/make_fixtures.py
Everything is deterministic (fixed seeds, one thread); a second run rewrites identical files.
The script checks its own output before it finishes: it reloads every saved directory with
`from_pretrained`, recomputes every stage, cross-checks the generation against diffusers'
StableDiffusion3Pipeline, and asserts equality with what it wrote.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)  # another process trains on the other core; also keeps results bit-stable
warnings.filterwarnings("ignore")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")

import diffusers  # noqa: E402
import safetensors  # noqa: E402
import tokenizers  # noqa: E402
import transformers  # noqa: E402
from diffusers import (  # noqa: E402
    AutoencoderKL,
    FlowMatchEulerDiscreteScheduler,
    SD3Transformer2DModel,
    StableDiffusion3Pipeline,
)
from safetensors import safe_open  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors  # noqa: E402
from transformers import CLIPTextConfig, CLIPTextModelWithProjection, PreTrainedTokenizerFast  # noqa: E402

diffusers.utils.logging.set_verbosity_error()
transformers.utils.logging.set_verbosity_error()
diffusers.utils.logging.disable_progress_bar()

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "Tests" / "Fixtures" / "reference"
SIZE_LIMIT = 3 * 1024 * 1024

# SHAPES_WORLD "Tokenizer": special tokens first, then the Shapes-World vocabulary in this order.
SPECIALS = ["<pad>", "<unk>", "<bos>", "<eos>"]
WORDS = (
    "a small large red green blue yellow orange purple white black gray beige circle square "
    "triangle at the top left right bottom in center and on background"
).split()
PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3
VOCAB_SIZE = len(SPECIALS) + len(WORDS)  # 31


# ----------------------------------------------------------------------------------------------
# Case descriptions
# ----------------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    prompt: str
    seed: int  # generation seed (torch.Generator().manual_seed)
    steps: int
    cfg: float
    shift: float
    height: int  # pixels
    width: int
    transformer: dict
    clip: dict
    vae: dict | None = None  # AutoencoderKL kwargs; None = pixel-space model
    dtype: str = "float32"  # storage dtype of transformer and text encoder weights
    pre_tokenizer: str = "Whitespace"  # or "WhitespaceSplit"
    dit_timestep: float = 737.0
    init_seed: int = 0  # torch seed for the random weights
    out_scale: float = 1.0  # multiplies proj_out (weight and bias) after the random init
    notes: list[str] = field(default_factory=list)


def clip_config(**overrides) -> dict:
    base = dict(
        vocab_size=VOCAB_SIZE,
        hidden_size=24,
        intermediate_size=48,
        num_hidden_layers=2,
        num_attention_heads=3,
        max_position_embeddings=16,
        projection_dim=16,
        hidden_act="quick_gelu",
        layer_norm_eps=1e-5,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        pad_token_id=PAD_ID,
    )
    base.update(overrides)
    return base


def sd3_config(**overrides) -> dict:
    base = dict(
        sample_size=8,
        patch_size=2,
        in_channels=3,
        out_channels=3,
        num_layers=2,
        attention_head_dim=8,
        num_attention_heads=3,
        joint_attention_dim=24,  # = CLIP hidden_size (single CLIP: context = hidden_states[-2] as is)
        caption_projection_dim=24,  # must equal num_attention_heads * attention_head_dim
        pooled_projection_dim=16,  # = CLIP projection_dim (pooled = text_embeds as is)
        pos_embed_max_size=8,
        dual_attention_layers=(),
        qk_norm=None,
    )
    base.update(overrides)
    return base


CASES = [
    Case(
        name="sd3_basic",
        prompt="a large red circle in the center on a white background",
        seed=42, steps=4, cfg=4.0, shift=3.0, height=16, width=16,
        transformer=sd3_config(),
        clip=clip_config(),
        init_seed=1, out_scale=0.25,
        notes=["pixel-space (no vae/): the image is the final x itself",
               "pos_embed_max_size 8 = token grid 8x8: no cropping (top = left = 0)",
               "3 heads x 8 (odd head count), no qk_norm, no dual attention"],
    ),
    Case(
        name="sd3_qknorm_dual",
        prompt="a large red circle at the top left and a small blue square in the center on a white background",
        seed=7, steps=5, cfg=4.0, shift=1.0, height=12, width=16,
        transformer=sd3_config(num_layers=3, num_attention_heads=2, attention_head_dim=12,
                               pos_embed_max_size=12, sample_size=8,
                               qk_norm="rms_norm", dual_attention_layers=(0,)),
        clip=clip_config(num_hidden_layers=3),
        dit_timestep=412.5,
        init_seed=2, out_scale=0.25,
        notes=["SD3.5 style: qk_norm rms_norm (eps 1e-6, learned weights), block 0 has dual attention "
               "(SD35AdaLayerNormZeroX + attn2), block 2 (last) is context_pre_only",
               "non-square: 12 high x 16 wide pixels, token grid 6x8 cropped from 12x12 at top=3, left=2",
               "prompt has 19 words: truncated to 14 words + <bos>/<eos> = 16 tokens (no padding)",
               "shift 1.0 (no timestep shift)"],
    ),
    Case(
        name="sd3_bf16",
        prompt="A  Large BLUE magenta triangle, at the top right",
        seed=1234, steps=4, cfg=4.0, shift=3.0, height=16, width=16,
        transformer=sd3_config(),
        clip=clip_config(),
        dtype="bfloat16",
        dit_timestep=999.0,
        init_seed=3, out_scale=0.25,
        notes=["transformer and text_encoder weights stored as BF16 (model.to(torch.bfloat16).save_pretrained); "
               "every expected tensor is computed in float32 from the bf16-rounded weights (loaded back and "
               "upcast to float32) - including the bf16-rounded pos_embed.pos_embed buffer stored in the file",
               "prompt tests the Lowercase normaliser, repeated spaces, an unknown word (magenta -> <unk>) and "
               "the Whitespace pre-tokeniser splitting 'triangle,' into 'triangle' ',' (',' -> <unk>)"],
    ),
    Case(
        name="sd3_eos2",
        prompt="a small green square at the bottom left, on a black background",
        seed=0, steps=4, cfg=4.0, shift=3.0, height=16, width=16,
        transformer=sd3_config(num_attention_heads=1, attention_head_dim=24),
        clip=clip_config(eos_token_id=2, bos_token_id=2, num_attention_heads=4),
        pre_tokenizer="WhitespaceSplit",
        dit_timestep=250.0,
        init_seed=4, out_scale=0.25,
        notes=["CLIP config eos_token_id == 2: transformers' legacy pooling takes the hidden state at "
               "argmax(input_ids) (the largest id), NOT at the first <eos> (id 3, still in the sequence). "
               "clip.*.text_embeds are the legacy values (what the pipeline uses); "
               "clip.*.text_embeds.first_eos are the projections at the first <eos>, for contrast "
               "(they differ for the prompt, and coincide for the empty prompt, whose largest id is <eos>)",
               "WhitespaceSplit pre-tokeniser: 'left,' stays one word -> <unk>",
               "single attention head of 24 in the transformer; 4 heads x 6 in CLIP"],
    ),
    Case(
        name="latent_vae_a",
        prompt="a large yellow triangle at the left and a small purple circle at the right",
        seed=2**32 + 7, steps=6, cfg=4.0, shift=3.0, height=32, width=32,
        transformer=sd3_config(in_channels=4, out_channels=4, num_attention_heads=2, attention_head_dim=8,
                               caption_projection_dim=16, joint_attention_dim=24, pooled_projection_dim=16,
                               sample_size=8, pos_embed_max_size=8),
        clip=clip_config(),
        vae=dict(
            in_channels=3, out_channels=3,
            down_block_types=("DownEncoderBlock2D",) * 3,
            up_block_types=("UpDecoderBlock2D",) * 3,
            block_out_channels=(8, 16, 16),
            layers_per_block=1,
            latent_channels=4,
            norm_num_groups=4,
            sample_size=32,
            scaling_factor=1.126,
            shift_factor=-0.11,
            use_quant_conv=True,
            use_post_quant_conv=True,
        ),
        dit_timestep=600.0,
        init_seed=5,
        notes=["latent: AutoencoderKL with 3 blocks (downsampling x4): 32x32 pixels -> 4x8x8 latent",
               "quant_conv and post_quant_conv present; scaling_factor 1.126, shift_factor -0.11",
               "transformer inner dim 16 (2 heads x 8) != joint_attention_dim 24; pooled_projection_dim 16",
               "token grid 4x4 cropped from pos_embed_max_size 8 at top=2, left=2",
               "seed 2**32+7 (a seed above 32 bits)"],
    ),
    Case(
        name="latent_vae_b",
        prompt="a small orange square in the center on a gray background",
        seed=99, steps=5, cfg=4.0, shift=1.0, height=32, width=32,
        transformer=sd3_config(in_channels=16, out_channels=16, num_attention_heads=4, attention_head_dim=6,
                               caption_projection_dim=24, sample_size=16, pos_embed_max_size=10),
        clip=clip_config(),
        vae=dict(
            in_channels=3, out_channels=3,
            down_block_types=("DownEncoderBlock2D",) * 2,
            up_block_types=("UpDecoderBlock2D",) * 2,
            block_out_channels=(8, 16),
            layers_per_block=2,
            latent_channels=16,
            norm_num_groups=4,
            sample_size=32,
            scaling_factor=0.87,
            shift_factor=None,
            use_quant_conv=False,
            use_post_quant_conv=False,
        ),
        dit_timestep=123.25,
        init_seed=6,
        notes=["latent: AutoencoderKL with 2 blocks (downsampling x2): 32x32 pixels -> 16x16x16 latent",
               "no quant_conv / post_quant_conv (use_quant_conv = use_post_quant_conv = false)",
               "shift_factor null in vae/config.json: treated as 0 (diffusers' SD3 pipeline itself would "
               "fail on None; the generation contract says 0)",
               "layers_per_block 2: encoder blocks have 2 resnets, decoder blocks 3",
               "token grid 8x8 cropped from pos_embed_max_size 10 at top=1, left=1; base_size = 16/2 = 8",
               "shift 1.0 (no timestep shift)"],
    ),
]


# ----------------------------------------------------------------------------------------------
# Building
# ----------------------------------------------------------------------------------------------


def build_tokenizer(pre_tokenizer: str, max_length: int) -> Tokenizer:
    vocab = {tok: i for i, tok in enumerate(SPECIALS + WORDS)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = getattr(pre_tokenizers, pre_tokenizer)()
    tok.post_processor = processors.TemplateProcessing(
        single="<bos> $A <eos>", special_tokens=[("<bos>", BOS_ID), ("<eos>", EOS_ID)]
    )
    tok.add_special_tokens(SPECIALS)
    tok.enable_truncation(max_length=max_length)
    tok.enable_padding(pad_id=PAD_ID, pad_token="<pad>", length=max_length)
    return tok


def reinitialise_(module: torch.nn.Module, seed: int) -> None:
    """Every parameter gets a fresh small random value, so that no path is a no-op.

    diffusers zero-initialises nothing here by itself, but trained-from-scratch inits (AdaLN-Zero gates,
    norm weights of 1, biases of 0) would hide bugs: a gate of 0 hides its whole branch, a norm weight
    of 1 hides a missing multiply. Matrices/kernels: N(0, 1/fan_in); norm weights: 1 + N(0, 0.1²);
    biases: N(0, 0.05²).
    """
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if p.ndim >= 2:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(fan_in))
            elif name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=gen) * 0.05)
            else:
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))


def draw_scene(height: int, width: int) -> torch.Tensor:
    """A tiny Shapes-World-like picture in [-1, 1], [1, 3, H, W]: beige background, a red disk and a
    blue square (exact palette colours, hard edges), for the VAE encoder fixture."""
    img = np.zeros((height, width, 3), dtype=np.float32)
    img[:] = (225, 210, 170)
    yy, xx = np.mgrid[0:height, 0:width]
    cx, cy, r = 0.3 * width, 0.35 * height, 0.18 * width
    img[(xx + 0.5 - cx) ** 2 + (yy + 0.5 - cy) ** 2 <= r * r] = (220, 40, 40)
    sx, sy, h = 0.7 * width, 0.7 * height, 0.85 * 0.10 * width
    img[(np.abs(xx + 0.5 - sx) <= h) & (np.abs(yy + 0.5 - sy) <= h)] = (40, 80, 220)
    t = torch.from_numpy(img / 127.5 - 1.0).permute(2, 0, 1).unsqueeze(0)
    return t.contiguous().float()


def to_pixels(y: torch.Tensor) -> torch.Tensor:
    """DESIGN.md pixel output: round(clamp((y+1)/2, 0, 1) * 255), [1,3,H,W] -> [H,W,3] (as floats).
    (torch.round is round-half-to-even, like numpy's, which diffusers' numpy_to_pil uses.)"""
    return ((y[0] + 1) / 2).clamp(0, 1).mul(255).round().permute(1, 2, 0).contiguous()


def vae_scale(vae_cfg: dict | None) -> int:
    return 1 if vae_cfg is None else 2 ** (len(vae_cfg["block_out_channels"]) - 1)


def build_models(case: Case):
    torch.manual_seed(case.init_seed)
    transformer = SD3Transformer2DModel(**case.transformer).eval()
    reinitialise_(transformer, case.init_seed * 100 + 1)
    with torch.no_grad():  # keeps a pixel-space model's output mostly inside [-1, 1]: fewer clamped pixels
        transformer.proj_out.weight.mul_(case.out_scale)
        transformer.proj_out.bias.mul_(case.out_scale)
    clip = CLIPTextModelWithProjection(CLIPTextConfig(**case.clip)).eval()
    reinitialise_(clip, case.init_seed * 100 + 2)
    vae = None
    if case.vae is not None:
        vae = AutoencoderKL(**case.vae).eval()
        reinitialise_(vae, case.init_seed * 100 + 3)
    return transformer, clip, vae


def save_case_dir(case: Case, case_dir: Path, transformer, clip, vae, tok: Tokenizer) -> None:
    """Writes the diffusers-layout directory through StableDiffusion3Pipeline.save_pretrained (so
    model_index.json and the component folders are exactly what diffusers writes), with the
    CLIP-L/G and T5 slots empty. tokenizer/tokenizer.json is then written by tokenizers itself."""
    tmp_tok = case_dir.parent / f".{case.name}.tokenizer.json"
    tok.save(str(tmp_tok))
    fast = PreTrainedTokenizerFast(
        tokenizer_file=str(tmp_tok), bos_token="<bos>", eos_token="<eos>", pad_token="<pad>",
        unk_token="<unk>", model_max_length=case.clip["max_position_embeddings"],
    )
    tmp_tok.unlink()
    if case.dtype == "bfloat16":
        transformer = transformer.to(torch.bfloat16)
        clip = clip.to(torch.bfloat16)
    pipe = StableDiffusion3Pipeline(
        transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=case.shift),
        vae=vae,
        text_encoder=clip,
        tokenizer=fast,
        text_encoder_2=None, tokenizer_2=None, text_encoder_3=None, tokenizer_3=None,
    )
    pipe.save_pretrained(str(case_dir), safe_serialization=True)
    tok.save(str(case_dir / "tokenizer" / "tokenizer.json"))
    if case.dtype == "bfloat16":  # back to float32 *values* of the bf16-rounded weights (exact upcast)
        transformer.to(torch.float32)
        clip.to(torch.float32)


def load_case_dir(case_dir: Path):
    transformer = SD3Transformer2DModel.from_pretrained(
        str(case_dir / "transformer"), torch_dtype=torch.float32).eval()
    clip = CLIPTextModelWithProjection.from_pretrained(
        str(case_dir / "text_encoder"), dtype=torch.float32).eval()
    vae = None
    if (case_dir / "vae").is_dir():
        vae = AutoencoderKL.from_pretrained(str(case_dir / "vae"), torch_dtype=torch.float32).eval()
    tok = Tokenizer.from_file(str(case_dir / "tokenizer" / "tokenizer.json"))
    return transformer, clip, vae, tok


# ----------------------------------------------------------------------------------------------
# Computing the expected tensors
# ----------------------------------------------------------------------------------------------


def encode_text(clip, ids: torch.Tensor):
    out = clip(input_ids=ids, output_hidden_states=True)
    return out.last_hidden_state, out.hidden_states[-2], out.text_embeds


@torch.no_grad()
def compute_expected(case: Case, transformer, clip, vae, tok: Tokenizer) -> dict[str, torch.Tensor]:
    t: dict[str, torch.Tensor] = {}
    L = case.clip["max_position_embeddings"]
    cond_ids = torch.tensor([tok.encode(case.prompt).ids], dtype=torch.long)
    uncond_ids = torch.tensor([tok.encode("").ids], dtype=torch.long)
    assert cond_ids.shape == (1, L) and uncond_ids.shape == (1, L)
    t["tokens.cond"] = cond_ids.float()
    t["tokens.uncond"] = uncond_ids.float()

    enc = {}
    for branch, ids in (("cond", cond_ids), ("uncond", uncond_ids)):
        last, penult, pooled = encode_text(clip, ids)
        t[f"clip.{branch}.last_hidden_state"] = last
        t[f"clip.{branch}.penultimate"] = penult
        t[f"clip.{branch}.text_embeds"] = pooled
        if case.clip["eos_token_id"] == 2:
            first_eos = int((ids[0] == EOS_ID).int().argmax())
            t[f"clip.{branch}.text_embeds.first_eos"] = clip.text_projection(last[:, first_eos])
        enc[branch] = (penult, pooled)

    # One transformer forward for a given x / t / context.
    f = vae_scale(case.vae)
    C = case.transformer["in_channels"]
    h, w = case.height // f, case.width // f
    gen = torch.Generator().manual_seed(case.init_seed * 100 + 7)
    x = torch.randn((1, C, h, w), generator=gen)
    timestep = torch.tensor([case.dit_timestep], dtype=torch.float32)
    t["dit.x"] = x
    t["dit.timestep"] = timestep
    t["dit.context"] = enc["cond"][0]
    t["dit.pooled"] = enc["cond"][1]
    t["dit.out"] = transformer(hidden_states=x, encoder_hidden_states=enc["cond"][0],
                               pooled_projections=enc["cond"][1], timestep=timestep,
                               return_dict=False)[0]

    # Full generation: StableDiffusion3Pipeline's math, written out so that x0 of step 0 is visible.
    scheduler = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=case.shift)
    scheduler.set_timesteps(case.steps)
    noise = torch.randn((1, C, h, w), generator=torch.Generator().manual_seed(case.seed))
    t["gen.noise"] = noise.clone()
    t["gen.sigmas"] = scheduler.sigmas.clone()
    t["gen.timesteps"] = scheduler.timesteps.clone()
    context = torch.cat([enc["uncond"][0], enc["cond"][0]])  # pipeline order: [negative, positive]
    pooled = torch.cat([enc["uncond"][1], enc["cond"][1]])
    latents = noise
    for i, ts in enumerate(scheduler.timesteps):
        v = transformer(hidden_states=torch.cat([latents] * 2), timestep=ts.expand(2),
                        encoder_hidden_states=context, pooled_projections=pooled, return_dict=False)[0]
        v_uncond, v_cond = v.chunk(2)
        v = v_uncond + case.cfg * (v_cond - v_uncond)
        if i == 0:
            t["gen.v.step0"] = v.clone()
            t["gen.x0.step0"] = latents - scheduler.sigmas[0] * v
        latents = scheduler.step(v, ts, latents, return_dict=False)[0]
    t["gen.latents"] = latents

    if vae is None:
        t["gen.image"] = to_pixels(latents)
    else:
        sf = vae.config.scaling_factor
        sh = vae.config.shift_factor or 0.0
        t["gen.image"] = to_pixels(vae.decode(latents / sf + sh, return_dict=False)[0])
        lat_c = case.vae["latent_channels"]
        z = torch.randn((1, lat_c, h, w), generator=torch.Generator().manual_seed(case.init_seed * 100 + 8))
        t["vae.decode.in"] = z
        t["vae.decode.out"] = vae.decode(z, return_dict=False)[0]
        img = draw_scene(case.height, case.width)
        mean = vae.encode(img).latent_dist.mean
        t["vae.encode.in"] = img
        t["vae.encode.mean"] = mean
        t["vae.encode.latent"] = (mean - sh) * sf
    return {k: v.detach().to(torch.float32).clone().contiguous() for k, v in t.items()}


def case_metadata(case: Case, tok: Tokenizer) -> dict:
    f = vae_scale(case.vae)
    tcfg = case.transformer
    grid_h, grid_w = case.height // f // tcfg["patch_size"], case.width // f // tcfg["patch_size"]
    m = tcfg["pos_embed_max_size"]
    enc = tok.encode(case.prompt)
    return {
        "case": case.name,
        "prompt": case.prompt,
        "negative": "",
        "seed": case.seed,
        "steps": case.steps,
        "cfg": case.cfg,
        "shift": case.shift,
        "height": case.height,
        "width": case.width,
        "dtype": case.dtype,
        "latent": case.vae is not None,
        "latent_shape": [tcfg["in_channels"], case.height // f, case.width // f],
        "vae_scale_factor": f,
        "dit_timestep": case.dit_timestep,
        "token_grid": [grid_h, grid_w],
        "pos_embed_crop_top_left": [(m - grid_h) // 2, (m - grid_w) // 2],
        "pre_tokenizer": case.pre_tokenizer,
        "prompt_tokens": enc.tokens,
        "prompt_truncated": len(enc.overflowing) > 0,
        "clip_eos_token_id": case.clip["eos_token_id"],
        "context": "hidden_states[-2] of CLIPTextModelWithProjection (single CLIP, no concat/padding)",
        "pooled": "text_embeds of CLIPTextModelWithProjection",
        "generation": "diffusers FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift).set_timesteps"
                      "(steps) + step(); CFG v = v_u + cfg (v_c - v_u), batch [uncond, cond]; "
                      "timestep passed to the transformer = scheduler.timesteps[i] = 1000 sigma_i",
        "versions": {"torch": torch.__version__, "diffusers": diffusers.__version__,
                     "transformers": transformers.__version__, "tokenizers": tokenizers.__version__},
        "notes": case.notes,
    }


# ----------------------------------------------------------------------------------------------
# Verification
# ----------------------------------------------------------------------------------------------


@torch.no_grad()
def verify_case(case: Case, case_dir: Path) -> None:
    """Reload the saved directory and the saved expectations; recompute everything; compare."""
    expected = load_file(str(case_dir / "expected.safetensors"))
    with safe_open(str(case_dir / "expected.safetensors"), "pt") as fh:
        meta = json.loads(fh.metadata()["case"])
    assert meta["case"] == case.name
    transformer, clip, vae, tok = load_case_dir(case_dir)
    again = compute_expected(case, transformer, clip, vae, tok)
    assert set(again) == set(expected), (set(again) ^ set(expected))
    for k in expected:
        assert torch.equal(again[k], expected[k]), f"{case.name}: {k} differs after reload"

    # Stored dtypes are what the case says.
    want = torch.bfloat16 if case.dtype == "bfloat16" else torch.float32
    assert all(p.dtype == want for p in load_file(str(
        case_dir / "transformer" / "diffusion_pytorch_model.safetensors")).values())
    assert all(p.dtype == want for p in load_file(str(case_dir / "text_encoder" / "model.safetensors")).values())

    # The transformers wrapper tokenises identically to the tokenizers library.
    fast = PreTrainedTokenizerFast.from_pretrained(str(case_dir / "tokenizer"))
    L = case.clip["max_position_embeddings"]
    for text, key in ((case.prompt, "tokens.cond"), ("", "tokens.uncond")):
        ids = fast(text, padding="max_length", max_length=L, truncation=True, return_tensors="pt").input_ids
        assert torch.equal(ids.float(), expected[key]), (case.name, text, ids)

    # The generation agrees with diffusers' own StableDiffusion3Pipeline given the same embeddings.
    pipe = StableDiffusion3Pipeline(
        transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=case.shift),
        vae=vae, text_encoder=clip, tokenizer=fast,
        text_encoder_2=None, tokenizer_2=None, text_encoder_3=None, tokenizer_3=None,
    )
    pipe.set_progress_bar_config(disable=True)
    # Without a vae the pipeline assumes a factor of 8: ask for 8x the pixel size to get latents = pixels.
    k = 8 if vae is None else 1
    common = dict(
        prompt_embeds=expected["clip.cond.penultimate"],
        pooled_prompt_embeds=expected["clip.cond.text_embeds"],
        negative_prompt_embeds=expected["clip.uncond.penultimate"],
        negative_pooled_prompt_embeds=expected["clip.uncond.text_embeds"],
        height=case.height * k, width=case.width * k, num_inference_steps=case.steps,
        guidance_scale=case.cfg,
    )
    lat = pipe(**common, generator=torch.Generator().manual_seed(case.seed), output_type="latent").images
    assert torch.equal(lat, expected["gen.latents"]), f"{case.name}: pipeline latents differ"
    if vae is not None and vae.config.shift_factor is not None:
        img = pipe(**common, generator=torch.Generator().manual_seed(case.seed), output_type="np").images[0]
        pix = torch.from_numpy((img * 255).round())
        assert torch.equal(pix, expected["gen.image"]), f"{case.name}: pipeline image differs"

    # Sanity: the fixture exercises something (no all-equal tensors, a non-trivial image).
    for k2, v in expected.items():
        assert torch.isfinite(v).all(), k2
    img = expected["gen.image"]
    inside = ((img > 0) & (img < 255)).float().mean().item()
    assert inside > 0.2, f"{case.name}: image mostly saturated ({inside:.2f} inside (0,255))"
    if case.clip["eos_token_id"] == 2:
        assert not torch.allclose(expected["clip.cond.text_embeds"], expected["clip.cond.text_embeds.first_eos"])
        assert torch.equal(expected["clip.uncond.text_embeds"], expected["clip.uncond.text_embeds.first_eos"])


# ----------------------------------------------------------------------------------------------
# RNG goldens
# ----------------------------------------------------------------------------------------------

RNG_SEEDS = [0, 1, 42, 1234, 2**32 + 7, 18446744073709551557]
RNG_SIZES = [1, 5, 15, 16, 17, 100, 1031]


def write_rng_goldens(path: Path) -> None:
    t = {}
    for s in RNG_SEEDS:
        for n in RNG_SIZES:
            t[f"randn.seed{s}.n{n}"] = torch.randn(n, generator=torch.Generator().manual_seed(s))
    t["randn.seed42.shape1x4x16x16"] = torch.randn((1, 4, 16, 16), generator=torch.Generator().manual_seed(42))
    meta = {"made_by": "torch.randn(N, generator=torch.Generator().manual_seed(S)) on the CPU, float32",
            "torch": torch.__version__, "seeds": [str(s) for s in RNG_SEEDS], "sizes": RNG_SIZES}
    save_file(t, str(path), metadata={"case": json.dumps(meta)})
    back = load_file(str(path))
    for name, v in t.items():
        assert torch.equal(back[name], v)


# ----------------------------------------------------------------------------------------------


def folder_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def main() -> int:
    print(f"torch {torch.__version__}, diffusers {diffusers.__version__}, transformers {transformers.__version__}, "
          f"tokenizers {tokenizers.__version__}, safetensors {safetensors.__version__}, numpy {np.__version__}")
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)

    for case in CASES:
        case_dir = OUT / case.name
        tok = build_tokenizer(case.pre_tokenizer, case.clip["max_position_embeddings"])
        transformer, clip, vae = build_models(case)
        save_case_dir(case, case_dir, transformer, clip, vae, tok)
        tensors = compute_expected(case, transformer, clip, vae, tok)
        meta = case_metadata(case, tok)
        save_file(tensors, str(case_dir / "expected.safetensors"), metadata={"case": json.dumps(meta)})

        print(f"\n== {case.name}  ({case.dtype}, {'latent' if case.vae else 'pixel'}, "
              f"{case.height}x{case.width}, steps {case.steps}, cfg {case.cfg}, shift {case.shift}, "
              f"seed {case.seed})")
        print(f"   tokens: {' '.join(meta['prompt_tokens'])}")
        for k, v in tensors.items():
            print(f"   {k:40s} {str(list(v.shape)):18s} max|v| {v.abs().max().item():10.4f}")
        print(f"   folder size {folder_size(case_dir) / 1024:.1f} KiB")

    write_rng_goldens(OUT / "torch_randn.safetensors")

    print("\nverifying (reload with from_pretrained, recompute, compare; pipeline cross-check) ...")
    for case in CASES:
        verify_case(case, OUT / case.name)
        print(f"   {case.name}: ok")

    total = folder_size(OUT)
    print(f"\ntotal fixture size: {total} bytes ({total / 1024 / 1024:.2f} MiB) in {OUT.relative_to(REPO)}")
    assert total < SIZE_LIMIT, "fixtures must stay under 3 MB"
    return 0


if __name__ == "__main__":
    sys.exit(main())
