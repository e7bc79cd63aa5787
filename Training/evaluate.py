"""Adherence of the embedded model through the reference sampler, scored by the SHAPES_WORLD detector.

By default it scores the fixed caption set Models/shapes-mmdit/eval-captions-v1.json (600 captions, 200 per
object count, each with its own seed) at the model's studio defaults (studio.json: steps, guidance, shift) —
the same captions, seeds and torch noise as `dit-studio evaluate`, so that the two engines can be compared
caption by caption. `--n N` scores only the first N captions of each object count; `--fresh N` draws N fresh
held-out captions per count instead (the training-time curve before the fixed set).

Prints the rates with Wilson 95% intervals and a table of failure classes per object count, then the result
as one JSON line. `--records FILE` writes one JSON line per caption, `--save-images DIR` the images (NNN.png
by item id), and `--score-images DIR` scores such PNGs (from either engine) without generating anything.

Usage: python3 Training/evaluate.py [--model Models/shapes-mmdit] [--records r.jsonl] [--save-images DIR]
       python3 Training/evaluate.py --score-images DIR [--records r.jsonl]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

import shapes_world as sw
from sample import generate
from stats import wilson

COUNTS = (1, 2, 3)


def summarise(records: list[dict]) -> dict:
    """Rates, Wilson intervals and error-class counts per object count from per-caption records."""
    out: dict = {}
    for k in COUNTS:
        rec = [r for r in records if r["objects"] == k]
        ok = sum(r["objects_ok"] for r in rec)
        out[f"obj{k}"] = round(ok / len(rec), 4) if rec else None
        out[f"obj{k}_ci"] = [round(v, 4) for v in wilson(ok, len(rec))]
        out[f"obj{k}_n"] = len(rec)
        out[f"obj{k}_ok"] = ok
    bg = [r["background_ok"] is True for r in records]
    out["background"] = round(sum(bg) / len(bg), 4) if bg else None
    out["background_ci"] = [round(v, 4) for v in wilson(sum(bg), len(bg))]
    out["background_n"] = len(bg)
    out["background_ok"] = sum(bg)
    out["n"] = len(records)
    out["errors"] = {str(k): {c: sum(r["errors"].count(c) for r in records if r["objects"] == k)
                              for c in sw.ERROR_CLASSES} for k in COUNTS}
    out["failures"] = {str(k): sum(not r["adheres"] for r in records if r["objects"] == k) for k in COUNTS}
    return out


def first_per_count(items: list[dict], n_per_count: int | None) -> list[dict]:
    """The first n_per_count items of each object count, in file order (all with None)."""
    taken = {k: 0 for k in COUNTS}
    kept = []
    for it in items:
        k = len(it["objects"])
        if n_per_count is None or taken[k] < n_per_count:
            taken[k] += 1
            kept.append(it)
    return kept


def record(item_id: int, seed: int, caption: str, n_objects: int, img: np.ndarray) -> dict:
    d = sw.diagnose(img, caption)
    j = d.judgement
    return {"id": item_id, "seed": seed, "objects": n_objects, "caption": caption, "adheres": j.ok,
            "objects_ok": j.objects_ok, "objects_found": j.per_object, "background_ok": j.background_ok,
            "detected_background": d.detected_background, "errors": d.errors}


def adherence(transformer, text_encoder, tokenizer, vae, shift_f, scale_f, n_per_count: int | None,
              steps: int = 20, cfg: float = 4.0, shift: float = 1.0, seed: int = 20261125,
              batch: int = 50, caption_set: dict | None = None, records: list | None = None,
              image_dir: Path | None = None) -> dict:
    """Adherence rates (obj1, obj2, obj3, background, n, intervals, error classes).

    With caption_set (from shapes_world.load_eval_captions) it scores that set's items with their own seeds
    (only the first n_per_count of each object count when n_per_count is given); without it, n_per_count
    fresh held-out captions per count seeded from `seed` (the training-time curve's protocol). Per-caption
    records are appended to `records` when given, images written to image_dir when given.
    """
    transformer.eval(); text_encoder.eval()
    if caption_set is not None:
        items = [(it["id"], it["seed"], it["caption"], len(it["objects"]))
                 for it in first_per_count(caption_set["items"], n_per_count)]
    else:
        items = [(i, seed + i, cap, len(scene.objects))
                 for i, (scene, cap) in enumerate(sw.held_out_captions(n_per_count, seed))]
    recs = []
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        imgs = generate(transformer, text_encoder, tokenizer, vae, shift_f, scale_f, [c for _, _, c, _ in chunk],
                        seeds=[s for _, s, _, _ in chunk], steps=steps, cfg=cfg, shift=shift)
        for (item_id, s, cap, k), img in zip(chunk, imgs):
            recs.append(record(item_id, s, cap, k, img))
            if image_dir is not None:
                from PIL import Image
                Image.fromarray(img).save(Path(image_dir) / f"{item_id:03d}.png")
    if records is not None:
        records.extend(recs)
    out = summarise(recs)
    if caption_set is not None:
        out["set"] = caption_set["version"]
    return out


def score_images(folder: Path, caption_set: dict, n_per_count: int | None) -> list[dict]:
    """Per-caption records for PNGs named NNN.png (item id) in folder — images from either engine."""
    from PIL import Image
    recs = []
    for it in first_per_count(caption_set["items"], n_per_count):
        k = len(it["objects"])
        path = folder / f"{it['id']:03d}.png"
        if not path.exists():
            raise SystemExit(f"{path}: missing (expected one PNG per item, named by its id)")
        img = np.asarray(Image.open(path).convert("RGB"))
        recs.append(record(it["id"], it["seed"], it["caption"], k, img))
    return recs


def report(res: dict, header: str) -> str:
    """The human-readable summary: rates with intervals, then the failure classes per object count."""
    lines = [header]
    for key, name in [("obj1", "one object"), ("obj2", "two objects"), ("obj3", "three objects"),
                      ("background", "background")]:
        ok, n = res[f"{key}_ok"], res[f"{key}_n"]
        lo, hi = wilson(ok, n)
        lines.append(f"  {name:<14} {ok / n if n else 0:.3f}  [{lo:.3f}, {hi:.3f}]  (n = {n})")
    names = list(sw.ERROR_CLASSES.values())
    lines.append("Failures by class (errors counted per object; extra = unexplained region):")
    lines.append("  objects  failed  " + "  ".join(names))
    for k in COUNTS:
        row = res["errors"][str(k)]
        cells = "  ".join(f"{row[c]:>{len(n)}}" for c, n in zip(sw.ERROR_CLASSES, names))
        lines.append(f"  {k:>7}  {res['failures'][str(k)]:>6}  {cells}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=Path(__file__).resolve().parent.parent / "Models" / "shapes-mmdit")
    ap.add_argument("--captions", type=Path, default=sw.EVAL_CAPTIONS, help="caption set (default: eval-captions-v1)")
    ap.add_argument("--n", type=int, default=None, help="only the first N captions per object count of the set")
    ap.add_argument("--fresh", type=int, default=None, help="N fresh held-out captions per count instead of the set")
    ap.add_argument("--steps", type=int, default=None, help="default: the model's studio.json, else 20")
    ap.add_argument("--cfg", type=float, default=None, help="default: the model's studio.json, else 4")
    ap.add_argument("--shift", type=float, default=None, help="default: the model's studio.json, else 1")
    ap.add_argument("--seed", type=int, default=99, help="seed of the --fresh draw")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--records", type=Path, help="write one JSON line per caption here")
    ap.add_argument("--save-images", type=Path, help="write each image here as NNN.png (item id)")
    ap.add_argument("--score-images", type=Path, help="score these PNGs (NNN.png by item id) instead of generating")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    caption_set = None if args.fresh else sw.load_eval_captions(args.captions)
    if args.score_images:
        if caption_set is None:
            raise SystemExit("--score-images needs the caption set, not --fresh")
        recs = score_images(args.score_images, caption_set, args.n)
        res = summarise(recs)
        res["set"] = caption_set["version"]
        header = f"{args.score_images}: {len(recs)} images of {caption_set['version']} scored by the Python detector"
    else:
        from models import MAX_TOKENS, load_export
        studio = args.model / "studio.json"
        defaults = json.loads(studio.read_text()) if studio.exists() else {}
        steps = args.steps or defaults.get("steps", 20)
        cfg = args.cfg if args.cfg is not None else defaults.get("guidance", 4.0)
        shift = args.shift if args.shift is not None else defaults.get("shift", 1.0)
        tr, te, vae, shift_f, scale_f, _ = load_export(args.model)
        tok = sw.build_tokenizer(MAX_TOKENS)
        if args.save_images:
            args.save_images.mkdir(parents=True, exist_ok=True)
        recs: list = []
        res = adherence(tr, te, tok, vae, shift_f, scale_f, args.fresh if args.fresh else args.n, steps, cfg, shift,
                        seed=args.seed, caption_set=caption_set, records=recs, image_dir=args.save_images)
        res.update(steps=steps, cfg=cfg, shift=shift)
        what = caption_set["version"] if caption_set else f"fresh captions (seed {args.seed})"
        header = (f"{args.model.name}: {len(recs)} captions of {what}, PyTorch reference sampler, "
                  f"steps {steps}, cfg {cfg}, shift {shift}, torch RNG")
    if args.records:
        args.records.write_text("".join(json.dumps(r) + "\n" for r in recs))
    print(report(res, header))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
