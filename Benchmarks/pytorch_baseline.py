#!/usr/bin/env python3
"""PyTorch eager baseline for `dit-studio bench`: the same model directory, size, steps, guidance and
thread count, timed the way the Swift bench times the engine.

It measures
  - one transformer forward with a batch of 2 (conditional + unconditional), median of --runs;
  - the sampling loop alone: initial noise (torch RNG) -> `steps` guided Euler steps -> final
    latents, prompts already encoded (median of --runs; the text encoder is timed separately);
  - for a latent model, one VAE decode of the final latents (median of --runs).
The math is diffusers' StableDiffusion3Pipeline (FlowMatchEulerDiscreteScheduler with `shift`,
CFG v = v_u + g (v_c - v_u) over one batch [uncond, cond]; g == 1 runs the conditional branch only).

The last line printed is one JSON object (the bench reads it):
  {"threads": N, "forward_ms": ..., "step_ms": ..., "loop_ms": ..., "encode_ms": ..., "max_rss_kb": ..., ...}
(max_rss_kb: this process's peak resident memory, torch and its import included.)

    python3 Benchmarks/pytorch_baseline.py --model DIR [--steps 20] [--threads 2] [--size 64x64]
        [--cfg 4] [--shift 3] [--seed 0] [--runs 3] [--prompt TEXT]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
warnings.filterwarnings("ignore")

import torch  # noqa: E402
from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, SD3Transformer2DModel  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from transformers import CLIPTextModelWithProjection  # noqa: E402


def parse_size(text: str) -> tuple[int, int]:
    w, _, h = text.lower().partition("x")
    return int(w), int(h)


def vae_factor(model: Path) -> int:
    config = model / "vae" / "config.json"
    if not config.is_file():
        return 1
    return 2 ** (len(json.loads(config.read_text())["block_out_channels"]) - 1)


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@torch.no_grad()
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, type=Path)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--size", default=None, help="WxH in pixels (default: the transformer's sample_size)")
    ap.add_argument("--cfg", type=float, default=4.0)
    ap.add_argument("--shift", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--prompt", default="a red circle in the center on a white background")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    transformer = SD3Transformer2DModel.from_pretrained(str(args.model / "transformer"), torch_dtype=torch.float32).eval()
    clip = CLIPTextModelWithProjection.from_pretrained(str(args.model / "text_encoder"), dtype=torch.float32).eval()
    tokenizer = Tokenizer.from_file(str(args.model / "tokenizer" / "tokenizer.json"))

    f = vae_factor(args.model)
    if args.size:
        width, height = parse_size(args.size)
    else:
        width = height = transformer.config.sample_size * f
    channels = transformer.config.in_channels
    h, w = height // f, width // f

    def encode(text: str):
        ids = torch.tensor([tokenizer.encode(text).ids], dtype=torch.long)
        out = clip(input_ids=ids, output_hidden_states=True)
        return out.hidden_states[-2], out.text_embeds

    guided = args.cfg != 1
    def encode_both():
        cond = encode(args.prompt)
        if not guided:
            return cond
        uncond = encode("")
        return torch.cat([uncond[0], cond[0]]), torch.cat([uncond[1], cond[1]])

    encode_both()  # warm-up
    encode_ms = median_ms(encode_both, args.runs)
    context, pooled = encode_both()
    batch = context.shape[0]

    x2 = torch.randn((batch, channels, h, w), generator=torch.Generator().manual_seed(1))
    t2 = torch.full((batch,), 500.0)
    forward = lambda: transformer(hidden_states=x2, timestep=t2, encoder_hidden_states=context,
                                  pooled_projections=pooled, return_dict=False)[0]
    forward()  # warm-up
    forward_ms = median_ms(forward, max(args.runs, 5))

    def sampling_loop():
        scheduler = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=args.shift)
        scheduler.set_timesteps(args.steps)
        latents = torch.randn((1, channels, h, w), generator=torch.Generator().manual_seed(args.seed))
        for t in scheduler.timesteps:
            model_input = torch.cat([latents] * batch)
            v = transformer(hidden_states=model_input, timestep=t.expand(batch), encoder_hidden_states=context,
                            pooled_projections=pooled, return_dict=False)[0]
            if guided:
                v_uncond, v_cond = v.chunk(2)
                v = v_uncond + args.cfg * (v_cond - v_uncond)
            latents = scheduler.step(v, t, latents, return_dict=False)[0]
        return latents

    loop_ms = median_ms(sampling_loop, args.runs)
    decode_ms = None
    if (args.model / "vae" / "config.json").is_file():
        vae = AutoencoderKL.from_pretrained(str(args.model / "vae"), torch_dtype=torch.float32).eval()
        latents = sampling_loop()
        sf, sh = vae.config.scaling_factor, vae.config.shift_factor or 0.0
        decode = lambda: vae.decode(latents / sf + sh, return_dict=False)[0]
        decode()  # warm-up
        decode_ms = median_ms(decode, max(args.runs, 5))
    params = sum(p.numel() for p in transformer.parameters())
    print(f"PyTorch {torch.__version__} eager, {args.threads} thread(s), {params / 1e6:.2f}M-parameter transformer, "
          f"{width}x{height} ({channels}x{h}x{w} sampled), {args.steps} steps, cfg {args.cfg}")
    print(f"  transformer forward (batch {batch}): {forward_ms:8.2f} ms")
    print(f"  sampling loop:                       {loop_ms:8.2f} ms  ({loop_ms / args.steps:.2f} ms/step, "
          f"{args.steps * 1000 / loop_ms:.2f} it/s)")
    print(f"  text encoding ({batch} prompt(s)):       {encode_ms:8.2f} ms")
    if decode_ms is not None:
        print(f"  VAE decode:                          {decode_ms:8.2f} ms")
    print(json.dumps({"threads": args.threads, "forward_ms": forward_ms, "step_ms": loop_ms / args.steps,
                      "loop_ms": loop_ms, "encode_ms": encode_ms, "decode_ms": decode_ms, "steps": args.steps, "batch": batch,
                      "width": width, "height": height, "parameters": params, "torch": torch.__version__,
                      "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
