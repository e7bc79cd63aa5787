"""Fixtures for the test of `dit-studio evaluate` itself (Tests/DiTStudioCLITests/EvaluateCommandTests.swift).

Takes six items of the fixed caption set (Models/shapes-mmdit/eval-captions-v1.json) — per object count one
the shipped model gets right and one it gets wrong, with different failure classes — generates them with the
reference sampler (Training/sample.py: diffusers' scheduler, torch RNG) at the model's studio defaults and
writes Tests/Fixtures/evaluate/: captions.json (the six items, in the set's format), NNN.png (the reference
images, by item id) and expected.jsonl (Training/evaluate.py's per-caption records for them). The Swift
evaluator must produce exactly these records, both from its own images and from these PNGs.

Re-run after every export (the chosen items may change): python3 Training/reference/make_evaluate_fixtures.py
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Training"))
import shapes_world as sw  # noqa: E402
from evaluate import record  # noqa: E402
from models import MAX_TOKENS, load_export  # noqa: E402
from sample import generate  # noqa: E402

OUT = ROOT / "Tests" / "Fixtures" / "evaluate"
SCAN = 100  # items of each object count looked at, in file order (enough to hold a failure of each count)


def main() -> None:
    torch.set_num_threads(1)
    model = ROOT / "Models" / "shapes-mmdit"
    defaults = json.loads((model / "studio.json").read_text())
    tr, te, vae, shift_f, scale_f, _ = load_export(model)
    tok = sw.build_tokenizer(MAX_TOKENS)
    data = sw.load_eval_captions(per_count=SCAN)

    def run(items):
        imgs = generate(tr, te, tok, vae, shift_f, scale_f, [it["caption"] for it in items],
                        [it["seed"] for it in items], steps=defaults["steps"], cfg=defaults["guidance"],
                        shift=defaults["shift"], size=defaults["width"])
        return [(it, img, record(it["id"], it["seed"], it["caption"], len(it["objects"]), img))
                for it, img in zip(items, imgs)]

    chosen = []
    seen_classes: set[str] = set()
    for k in (1, 2, 3):
        results = run([it for it in data["items"] if len(it["objects"]) == k])
        passing = next(r for r in results if r[2]["adheres"])
        # The failure whose classes add the most not yet covered, first in file order among equals.
        failing = max((r for r in results if not r[2]["adheres"]),
                      key=lambda r: len(set(r[2]["errors"]) - seen_classes))
        seen_classes |= set(failing[2]["errors"])
        chosen += [passing, failing]
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    items = [it for it, _, _ in chosen]
    subset = {"version": f"{data['version']}-test-subset",
              "about": "Six items of eval-captions-v1 for the test of `dit-studio evaluate` "
                       "(Training/reference/make_evaluate_fixtures.py).",
              "items": items}
    (OUT / "captions.json").write_text(json.dumps(subset, indent=1) + "\n")
    for it, img, _ in chosen:
        Image.fromarray(img).save(OUT / f"{it['id']:03d}.png")
    (OUT / "expected.jsonl").write_text("".join(json.dumps(r) + "\n" for _, _, r in chosen))
    for _, _, r in chosen:
        print(r["id"], r["objects"], "adheres" if r["adheres"] else r["errors"], r["caption"])


if __name__ == "__main__":
    main()
