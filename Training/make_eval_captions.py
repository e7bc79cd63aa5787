"""Writes the fixed evaluation caption set that both evaluators score (Training/evaluate.py and
`dit-studio evaluate`) and CI's model-quality test reads: Models/shapes-mmdit/eval-captions-v1.json.

Per object count (1, 2, 3) `--per-count` scenes drawn by the SHAPES_WORLD rules (`random_scene`) and
picked greedily from 64 candidates each so that positions, sizes, colours, shapes and backgrounds come out
as even as the world allows (a large object keeps its eight neighbour cells free, so large objects are
rarer in three-object scenes; an object never has the background's colour). Every item has its scene (with
the jittered centres, so that the ground truth can be rendered), its canonical caption and its own seed.

Deterministic: the same arguments write the same file byte for byte. A changed set is a new version: bump
VERSION (and the file name) rather than editing v1, so that figures measured on v1 stay comparable.

Usage (from the repository root): python3 Training/make_eval_captions.py [--check]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

import shapes_world as sw

VERSION = "eval-captions-v1"
PER_COUNT = 200  # 200, not 100: CI needs them to tell a drop of 0.15 from noise (see EmbeddedModelQualityTests)
SEED = 20261201
FIRST_IMAGE_SEED = 1000  # item i is generated with seed FIRST_IMAGE_SEED + i
CANDIDATES = 64
OUT = Path(__file__).resolve().parent.parent / "Models" / "shapes-mmdit" / f"{VERSION}.json"


def imbalance(counters: dict[str, Counter], scene: sw.Scene) -> float:
    """Sum of squared counts after adding the scene, each attribute scaled by its number of values."""
    extra = features(scene)
    total = 0.0
    for name, counter in counters.items():
        values = {"position": 9, "size": 2, "colour": 8, "shape": 3, "background": 4, "size_shape": 6}[name]
        c = counter.copy()
        c.update(extra[name])
        total += sum(v * v for v in c.values()) * values
    return total


def features(scene: sw.Scene) -> dict[str, list]:
    return {
        "position": [o.position for o in scene.objects], "size": [o.size for o in scene.objects],
        "colour": [o.colour for o in scene.objects], "shape": [o.shape for o in scene.objects],
        "size_shape": [(o.size, o.shape) for o in scene.objects], "background": [scene.background],
    }


def build(per_count: int, seed: int) -> dict:
    rng = random.Random(seed)
    items = []
    for k in (1, 2, 3):
        counters = {name: Counter() for name in ("position", "size", "colour", "shape", "background", "size_shape")}
        for _ in range(per_count):
            candidates = [sw.random_scene(rng, k) for _ in range(CANDIDATES)]
            scene = min(candidates, key=lambda s: imbalance(counters, s))  # first of the best: deterministic
            for name, values in features(scene).items():
                counters[name].update(values)
            # Centres rounded for the file; the scene is re-checked below with the rounded values.
            for o in scene.objects:
                o.cx, o.cy = round(o.cx, 4), round(o.cy, 4)
            items.append(scene)
    out = []
    for i, scene in enumerate(items):
        out.append({
            "id": i, "seed": FIRST_IMAGE_SEED + i, "caption": scene.caption(), "background": scene.background,
            "objects": [{"size": o.size, "colour": o.colour, "shape": o.shape, "position": o.position,
                         "cx": o.cx, "cy": o.cy} for o in scene.objects],
        })
    return {
        "version": VERSION,
        "about": ("Fixed Shapes-World evaluation captions: the scene of each (objects with size, colour, shape, "
                  "named position and jittered centre; background), its canonical caption and the seed of its "
                  "image (torch RNG). Scored at the model's studio defaults by Training/evaluate.py and "
                  "`dit-studio evaluate`."),
        "generator": f"python3 Training/make_eval_captions.py --per-count {per_count} --seed {seed}",
        "per_count": per_count,
        "items": out,
    }


def check(data: dict) -> list[str]:
    """Problems with a caption set: every caption canonical, scenes valid, ground truth adheres."""
    problems = []
    seeds = set()
    for item in data["items"]:
        objs = [sw.SceneObject(o["size"], o["colour"], o["shape"], o["position"], o["cx"], o["cy"])
                for o in item["objects"]]
        scene = sw.Scene(item["background"], objs)
        if scene.caption() != item["caption"]:
            problems.append(f"item {item['id']}: caption is not the scene's canonical caption")
        if len({o.position for o in objs}) != len(objs) or any(o.colour == scene.background for o in objs):
            problems.append(f"item {item['id']}: not a valid scene")
        boxes = [o.bbox() for o in objs]
        if any(sw._boxes_too_close(boxes[i], boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes))):
            problems.append(f"item {item['id']}: objects closer than one pixel")
        if not sw.judge(sw.render(scene), item["caption"]).ok:
            problems.append(f"item {item['id']}: the detector rejects the ground-truth render")
        if item["seed"] in seeds:
            problems.append(f"item {item['id']}: seed {item['seed']} used twice")
        seeds.add(item["seed"])
    return problems


def dumps(data: dict) -> str:
    """Pretty JSON with one item per line (readable diffs, small file)."""
    head = {k: v for k, v in data.items() if k != "items"}
    lines = json.dumps(head, indent=1)[:-2] + ',\n "items": [\n'
    lines += ",\n".join("  " + json.dumps(item, separators=(", ", ": ")) for item in data["items"])
    return lines + "\n ]\n}\n"


def summary(data: dict) -> str:
    c = {name: Counter() for name in ("objects", "position", "size", "colour", "shape", "background")}
    for item in data["items"]:
        c["objects"][len(item["objects"])] += 1
        c["background"][item["background"]] += 1
        for o in item["objects"]:
            for name in ("position", "size", "colour", "shape"):
                c[name][o[name]] += 1
    return "\n".join(f"{name}: {dict(sorted(counter.items(), key=str))}" for name, counter in c.items())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-count", type=int, default=PER_COUNT)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="verify that the committed file is what this script writes")
    args = ap.parse_args()
    data = build(args.per_count, args.seed)
    problems = check(data)
    if problems:
        sys.exit("\n".join(problems))
    text = dumps(data)
    assert json.loads(text) == data
    if args.check:
        same = args.out.exists() and args.out.read_text() == text
        print(f"{args.out}: {'up to date' if same else 'DIFFERS from what the script writes'}")
        sys.exit(0 if same else 1)
    args.out.write_text(text)
    print(f"wrote {len(data['items'])} items to {args.out}\n{summary(data)}")


if __name__ == "__main__":
    main()
