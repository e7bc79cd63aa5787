"""Reference images of the shipped model, for the Swift engine's end-to-end parity test.

Generates a few captions with the exported model (Models/shapes-mmdit, F16 weights upcast to F32) through
diffusers' scheduler (Training/sample.py, the generation contract: torch RNG, CFG with the empty prompt) at
the model's studio defaults, and writes Tests/Fixtures/shapes-mmdit/NN.png plus cases.json. Re-run after every
export: `python3 Training/reference/make_model_fixtures.py` (from the repository root).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Training"))
import shapes_world as sw  # noqa: E402
from models import MAX_TOKENS, load_export  # noqa: E402
from sample import generate  # noqa: E402

CASES = [
    ("a large red circle in the center on a white background", 1),
    ("a small blue square at the top left and a large yellow triangle at the bottom right on a black background", 2),
    ("a large green triangle", 3),
]


def main() -> None:
    torch.set_num_threads(1)
    model = ROOT / "Models" / "shapes-mmdit"
    out = ROOT / "Tests" / "Fixtures" / "shapes-mmdit"
    out.mkdir(parents=True, exist_ok=True)
    defaults = json.loads((model / "studio.json").read_text())
    tr, te, vae, shift_f, scale_f, _ = load_export(model)
    tok = sw.build_tokenizer(MAX_TOKENS)
    records = []
    for i, (caption, seed) in enumerate(CASES):
        img = generate(tr, te, tok, vae, shift_f, scale_f, [caption], [seed], steps=defaults["steps"],
                       cfg=defaults["guidance"], shift=defaults["shift"], size=defaults["width"])[0]
        name = f"{i:02d}.png"
        Image.fromarray(img).save(out / name)
        records.append({"image": name, "prompt": caption, "seed": seed, "steps": defaults["steps"],
                        "guidance": defaults["guidance"], "shift": defaults["shift"], "rng": "torch",
                        "width": defaults["width"], "height": defaults["height"]})
    (out / "cases.json").write_text(json.dumps(records, indent=1) + "\n")
    print(f"wrote {len(records)} reference images to {out}")


if __name__ == "__main__":
    main()
