"""Fixtures that hold the Swift detector to the Python one (Training/shapes_world.py).

Writes Tests/Fixtures/shapes/NN.png (imperfect images: blurred, noisy, colour-shifted or damaged scenes, so
that every rule of the detector is exercised, not only clean renders) and judgements.json with the caption
judged against each image, the Python verdict and the regions it measured. Deterministic.

Usage (from the repository root): python3 Training/reference/make_detector_fixtures.py
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Training"))
import shapes_world as sw  # noqa: E402

OUT = ROOT / "Tests" / "Fixtures" / "shapes"


def degrade(img: np.ndarray, kind: int, rng: np.random.Generator) -> np.ndarray:
    x = img.astype(np.float32)
    if kind == 0:  # soft edges, like a blurry decoder
        x = ndimage.gaussian_filter(x, sigma=(rng.uniform(0.6, 1.4), rng.uniform(0.6, 1.4), 0))
    elif kind == 1:  # pixel noise
        x = x + rng.normal(0, rng.uniform(8, 30), x.shape)
    elif kind == 2:  # a global colour cast
        x = x + rng.uniform(-35, 35, size=3)
    elif kind == 3:  # a smeared corner: a block of the image shifted by a few pixels
        y0, x0 = rng.integers(0, 48, size=2)
        x[y0:y0 + 16, x0:x0 + 16] = np.roll(x, shift=int(rng.integers(2, 6)), axis=1)[y0:y0 + 16, x0:x0 + 16]
    return np.clip(np.round(x), 0, 255).astype(np.uint8)


def mutate(caption: sw.ParsedCaption, rng: random.Random) -> str:
    """The caption with one attribute changed or dropped, so that both verdicts occur."""
    objs = [sw.CaptionObject(o.size, o.colour, o.shape, o.position) for o in caption.objects]
    o = rng.choice(objs)
    what = rng.randrange(5)
    if what == 0:
        o.colour = rng.choice([c for c in sw.OBJECT_COLOURS if c != o.colour])
    elif what == 1:
        o.shape = rng.choice([s for s in sw.SHAPES if s != o.shape])
    elif what == 2:
        o.size = "small" if o.size == "large" else "large"
    elif what == 3:
        o.position = rng.choice([p for p in sw.POSITIONS if p != o.position])
    else:
        o.position = None
    text = " and ".join(f"a {x.size} {x.colour} {x.shape}" + (f" {x.position}" if x.position else "") for x in objs)
    return text + (f" on a {caption.background} background" if caption.background and rng.random() < 0.7 else "")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    nrng = np.random.default_rng(2026)
    records = []
    for i in range(36):
        scene = sw.random_scene(rng, 1 + i % 3)
        img = degrade(sw.render(scene), i % 5, nrng)
        caption = scene.caption() if i % 2 == 0 else mutate(sw.parse_caption(scene.caption()), rng)
        regions, background = sw.find_regions(img)
        j = sw.judge(img, caption)
        name = f"{i:02d}.png"
        Image.fromarray(img).save(OUT / name)
        records.append({
            "image": name, "caption": caption, "objects_found": j.per_object,
            "background_ok": j.background_ok, "detected_background": background,
            "regions": [{"colour": r.colour, "area": r.area, "fill": r.fill, "cx": r.cx, "cy": r.cy,
                         "shape": r.shape, "size": r.size, "position": r.position} for r in regions],
        })
    (OUT / "judgements.json").write_text(json.dumps(records, indent=1) + "\n")
    ok = sum(all(r["objects_found"]) and r["background_ok"] is not False for r in records)
    print(f"wrote {len(records)} images to {OUT}; {ok} adhere, {len(records) - ok} do not")


if __name__ == "__main__":
    main()
