"""Fixtures that hold the Swift detector to the Python one (Training/shapes_world.py).

Writes Tests/Fixtures/shapes/NN.png (imperfect images: blurred, noisy, colour-shifted or damaged scenes, so
that every rule of the detector is exercised, not only clean renders) and judgements.json with the caption
judged against each image, the Python verdict and the regions it measured. Deterministic.

Usage (from the repository root): python3 Training/reference/make_detector_fixtures.py
"""
from __future__ import annotations

import copy
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


def record(name: str, img: np.ndarray, caption: str) -> dict:
    regions, background = sw.find_regions(img)
    d = sw.diagnose(img, caption)
    return {
        "image": name, "caption": caption, "objects_found": d.judgement.per_object,
        "background_ok": d.judgement.background_ok, "detected_background": background, "errors": d.errors,
        "regions": [{"colour": r.colour, "area": r.area, "fill": r.fill, "cx": r.cx, "cy": r.cy,
                     "shape": r.shape, "size": r.size, "position": r.position} for r in regions],
    }


def swap(attribute: str):
    def change(scene: sw.Scene, rng: random.Random) -> sw.Scene:
        a, b = scene.objects[0], scene.objects[1]
        va, vb = getattr(a, attribute), getattr(b, attribute)
        setattr(a, attribute, vb); setattr(b, attribute, va)
        return scene
    return change


def drop(scene: sw.Scene, rng: random.Random) -> sw.Scene:
    scene.objects.pop(rng.randrange(len(scene.objects)))
    return scene


def move(scene: sw.Scene, rng: random.Random) -> sw.Scene:
    """One object at a free named position (it may touch another: the detector must cope)."""
    o = rng.choice(scene.objects)
    free = [p for p in sw.POSITIONS if p not in {x.position for x in scene.objects}]
    o.position = rng.choice(free)
    o.cx, o.cy = sw.POSITIONS[o.position]
    return scene


def resize(scene: sw.Scene, rng: random.Random) -> sw.Scene:
    o = scene.objects[-1]
    o.size = "large" if o.size == "small" else "small"
    return scene


def add_object(scene: sw.Scene, rng: random.Random) -> sw.Scene:
    """An extra object at a free position, and the first object in a colour no object has."""
    free = [p for p in sw.POSITIONS if p not in {x.position for x in scene.objects}]
    p = rng.choice(free)
    colours = [c for c in sw.OBJECT_COLOURS if c != scene.background and c not in {x.colour for x in scene.objects}]
    scene.objects.append(sw.SceneObject("small", rng.choice(colours), rng.choice(sw.SHAPES), p, *sw.POSITIONS[p]))
    scene.objects[0].colour = rng.choice([c for c in colours if c != scene.objects[-1].colour])
    return scene


def recolour_background(scene: sw.Scene, rng: random.Random) -> sw.Scene:
    used = {o.colour for o in scene.objects}
    scene.background = rng.choice([b for b in sw.BACKGROUNDS if b != scene.background and b not in used])
    return scene


def reshape_alone(scene: sw.Scene, rng: random.Random) -> sw.Scene:
    """The first object gets a shape no object of the caption has (a plain wrong shape), if one is left."""
    left = [s for s in sw.SHAPES if s not in {o.shape for o in scene.objects}]
    scene.objects[0].shape = left[0] if left else scene.objects[0].shape
    if not left:
        scene.objects[0].size = "large" if scene.objects[0].size == "small" else "small"
    return scene


CHANGES = [swap("colour"), swap("shape"), drop, move, resize, add_object, recolour_background, reshape_alone,
           swap("colour"), swap("shape"), drop, add_object]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    nrng = np.random.default_rng(2026)
    records = []
    for i in range(36):
        scene = sw.random_scene(rng, 1 + i % 3)
        img = degrade(sw.render(scene), i % 5, nrng)
        caption = scene.caption() if i % 2 == 0 else mutate(sw.parse_caption(scene.caption()), rng)
        name = f"{i:02d}.png"
        Image.fromarray(img).save(OUT / name)
        records.append(record(name, img, caption))
    # Failure cases for the error classes (Training/shapes_world.py `diagnose`): a scene drawn with one
    # thing changed, judged against the original caption; some blurred, as decoded images are.
    for i, change in enumerate(CHANGES, start=len(records)):
        scene = sw.random_scene(rng, 2 + i % 2)
        wrong = change(copy.deepcopy(scene), rng)
        img = sw.render(wrong)
        if i % 3 == 0:
            img = degrade(img, 0, nrng)
        records.append(record(f"{i:02d}.png", img, scene.caption()))
        Image.fromarray(img).save(OUT / f"{i:02d}.png")
    (OUT / "judgements.json").write_text(json.dumps(records, indent=1) + "\n")
    ok = sum(all(r["objects_found"]) and r["background_ok"] is not False for r in records)
    print(f"wrote {len(records)} images to {OUT}; {ok} adhere, {len(records) - ok} do not")


if __name__ == "__main__":
    main()
