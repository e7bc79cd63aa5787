"""Exports the EMA weights of the DiT checkpoint (and its frozen autoencoder) to Models/shapes-mmdit/ in the
diffusers layout, in F16, with the tokenizer, a scheduler config, the studio defaults and the training record.

Usage: python3 export.py [--checkpoint ~/ckpt/dit-studio/dit/latest.pt] [--out DIR]
       python3 export.py --replace-shipped --candidate DIR --candidate-records NEW.jsonl --shipped-records OLD.jsonl
                         [--candidate-placement K/N --shipped-placement K/N]
The model card (README.md in the export) is written by hand from the figures in training.json.

The shipped model (Models/shapes-mmdit) is replaced only when the candidate measured better on the
fixed caption set: export to another folder first, score both with `evaluate.py --records`, then
install that very folder with the two record files (the checkpoint may have moved on meanwhile);
the replacement is refused unless the candidate adheres on more captions in
total and on no object count on fewer than the shipped model minus noise (two standard errors). With the
regional placement of both (boxes placed of boxes, `dit-studio evaluate-regions --n 100` on the same draw),
a candidate that places more boxes by more than that noise may instead hold the fixed set's total level,
as long as no object count drops beyond the noise.
The studio settings tuned on the model (regional defaults, cache calibration) carry over, and so does the
latent preview map while the autoencoder is unchanged; its vital blocks do not — run
`dit-studio vital-layers` on the new export.
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
    studio = dict(STUDIO_DEFAULTS)
    previous = out / "studio.json"
    if previous.exists():
        old = json.loads(previous.read_text())
        for key in ("regional", "cache"):  # tuned method settings that do not depend on the weights' details
            if key in old:
                studio[key] = old[key]
    (tmp / "studio.json").write_text(json.dumps(studio, indent=2, sort_keys=True) + "\n")
    st = ck["state"]
    (tmp / "training.json").write_text(json.dumps({
        "step": st["step"], "images": st["images"], "regional_images": st.get("regional_images", 0),
        "train_seconds": st["train_seconds"], "evals": st["evals"],
        "latent_shift": ck["latent_shift"], "latent_scale": ck["latent_scale"]}, indent=2) + "\n")
    for keep in ("README.md", "eval-captions-v1.json", "adherence-curve.png"):
        if (out / keep).exists():
            shutil.copy(out / keep, tmp / keep)
    keep_preview_map(out, tmp)
    swap_in(tmp, out)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"exported step {st['step']} ({st['train_seconds'] / 60:.1f} min) to {out}: {size / 1e6:.2f} MB")


def keep_preview_map(out: Path, tmp: Path) -> None:
    """The latent preview map depends on the autoencoder alone: kept while the new export's VAE weights are
    byte for byte the old ones (the DiT trains on a frozen VAE), dropped with a notice otherwise."""
    old_map, vae = out / "preview_map.json", Path("vae") / "diffusion_pytorch_model.safetensors"
    if not old_map.exists():
        return
    if (out / vae).exists() and (tmp / vae).exists() and (out / vae).read_bytes() == (tmp / vae).read_bytes():
        shutil.copy(old_map, tmp / "preview_map.json")
    else:
        print("the autoencoder changed: preview_map.json dropped; refit it with fit_preview_map.py")


def swap_in(tmp: Path, out: Path) -> None:
    """Puts the finished folder `tmp` in place of `out` with renames only, so that a crash leaves one
    complete copy in place."""
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def install(candidate: Path, out: Path) -> None:
    """Puts a measured export folder in place of `out`: its weights, configs and training record, with
    `out`'s model card, caption set, curve and tuned studio settings kept; swapped in by renames."""
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(candidate, tmp)
    studio = json.loads((tmp / "studio.json").read_text())
    if (out / "studio.json").exists():
        studio.update({k: v for k, v in json.loads((out / "studio.json").read_text()).items() if k in ("regional", "cache")})
    (tmp / "studio.json").write_text(json.dumps(studio, indent=2, sort_keys=True) + "\n")
    for keep in ("README.md", "eval-captions-v1.json", "adherence-curve.png"):
        if (out / keep).exists():
            shutil.copy(out / keep, tmp / keep)
    keep_preview_map(out, tmp)
    swap_in(tmp, out)
    print(f"installed {candidate} as {out}; now run `dit-studio vital-layers` for it")


def two_standard_errors(rate: float, n: int) -> float:
    return 2 * ((rate * (1 - rate) / n) ** 0.5)


def fraction(text: str) -> tuple[int, int]:
    """Parses "K/N" (boxes placed of boxes) into (K, N)."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected K/N, e.g. 208/246 (got {text!r})")
    if not 0 <= k <= n or n == 0:
        raise argparse.ArgumentTypeError(f"expected 0 <= K <= N and N > 0 (got {text!r})")
    return k, n


def measured_better(candidate: Path, shipped: Path, placement: tuple[tuple[int, int], tuple[int, int]] | None = None
                    ) -> tuple[bool, str]:
    """Whether the candidate's records beat the shipped model's on the same caption set, or — given both
    models' regional placement — whether it places clearly better without adhering worse beyond the noise."""
    def load(path: Path) -> dict[int, dict]:
        return {r["id"]: r for r in map(json.loads, path.read_text().splitlines()) if r}
    new, old = load(candidate), load(shipped)
    if set(new) != set(old) or not new:
        return False, "the two record files do not cover the same captions"
    lines, better = [], sum(r["adheres"] for r in new.values()) > sum(r["adheres"] for r in old.values())
    if placement is not None:
        (k_new, n_new), (k_old, n_old) = placement
        a, b = k_new / n_new, k_old / n_old
        lines.append(f"placement: candidate {a:.3f}, shipped {b:.3f}")
        better = better or a > b + two_standard_errors(b, n_old)
    for count in (1, 2, 3):
        ids = [i for i, r in old.items() if r["objects"] == count]
        a = sum(new[i]["adheres"] for i in ids) / len(ids)
        b = sum(old[i]["adheres"] for i in ids) / len(ids)
        lines.append(f"{count} object(s): candidate {a:.3f}, shipped {b:.3f}")
        if a < b - two_standard_errors(b, len(ids)):
            better = False
    return better, "; ".join(lines)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", type=Path, default=CKPT_ROOT / "dit" / "latest.pt")
    ap.add_argument("--out", type=Path, help="export folder (not the shipped model; see --replace-shipped)")
    ap.add_argument("--replace-shipped", action="store_true", help="replace Models/shapes-mmdit, if measured better")
    ap.add_argument("--candidate", type=Path, help="with --replace-shipped: the export folder that was measured")
    ap.add_argument("--candidate-records", type=Path, help="evaluate.py --records of the candidate export")
    ap.add_argument("--shipped-records", type=Path, help="evaluate.py --records of the shipped model")
    ap.add_argument("--candidate-placement", type=fraction, help="boxes placed / boxes of the candidate (evaluate-regions --n 100)")
    ap.add_argument("--shipped-placement", type=fraction, help="the same for the shipped model, on the same layouts")
    a = ap.parse_args()
    if a.replace_shipped:
        if not (a.candidate and a.candidate_records and a.shipped_records):
            raise SystemExit("export.py: --replace-shipped needs --candidate DIR, --candidate-records and --shipped-records "
                             "(evaluate.py --records of both on the fixed caption set)")
        if (a.candidate_placement is None) != (a.shipped_placement is None):
            raise SystemExit("export.py: give both --candidate-placement and --shipped-placement, or neither")
        placement = (a.candidate_placement, a.shipped_placement) if a.candidate_placement else None
        ok, summary = measured_better(a.candidate_records, a.shipped_records, placement)
        if not ok:
            raise SystemExit(f"export.py: the candidate did not measure better than the shipped model ({summary}); nothing replaced")
        print(f"measured better: {summary}")
        install(a.candidate, EXPORT_DIR)
    elif a.out is None or a.out.resolve() == EXPORT_DIR.resolve():
        raise SystemExit("export.py: give --out DIR for a candidate export; the shipped model is replaced only with "
                         "--replace-shipped and records showing the candidate measured better")
    else:
        export(a.checkpoint, a.out)
