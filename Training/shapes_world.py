"""Shapes World: the procedural scenes, captions, tokenizer and adherence detector of the embedded model.

This module is the Python side of the Shapes-World data contract (its Swift twin is Sources/ShapesWorld). The dataset generator,
the training scripts, the evaluation and the Swift detector all follow it; change them together.
"""
from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SIDE = 64

OBJECT_COLOURS = {
    "red": (220, 40, 40), "green": (40, 170, 60), "blue": (40, 80, 220), "yellow": (240, 210, 40),
    "orange": (245, 140, 30), "purple": (140, 60, 190), "white": (245, 245, 245), "black": (20, 20, 20),
}
BACKGROUNDS = {
    "white": (245, 245, 245), "black": (20, 20, 20), "gray": (128, 128, 128), "beige": (225, 210, 170),
}
# Every colour the detector can name: object colours plus the background-only ones.
PALETTE = {**OBJECT_COLOURS, "gray": (128, 128, 128), "beige": (225, 210, 170)}
PALETTE_NAMES = list(PALETTE)
PALETTE_RGB = np.array([PALETTE[n] for n in PALETTE_NAMES], dtype=np.float32)

POSITIONS = {
    "at the top left": (0.25, 0.25), "at the top": (0.50, 0.25), "at the top right": (0.75, 0.25),
    "at the left": (0.25, 0.50), "in the center": (0.50, 0.50), "at the right": (0.75, 0.50),
    "at the bottom left": (0.25, 0.75), "at the bottom": (0.50, 0.75), "at the bottom right": (0.75, 0.75),
}
POSITION_NAMES = list(POSITIONS)
SIZES = {"small": 0.10, "large": 0.18}
SHAPES = ("circle", "square", "triangle")
JITTER = 0.04
OBJECT_COUNT_WEIGHTS = (2, 2, 1)  # 1, 2, 3 objects

SPECIAL_TOKENS = ["<pad>", "<unk>", "<bos>", "<eos>"]
VOCABULARY = ["a", "small", "large", *OBJECT_COLOURS, "gray", "beige", *SHAPES,
              "at", "the", "top", "left", "right", "bottom", "in", "center", "and", "on", "background"]


@dataclass
class SceneObject:
    size: str
    colour: str
    shape: str
    position: str
    cx: float  # centre, fractions of the side (jittered)
    cy: float

    @property
    def radius(self) -> float:
        return SIZES[self.size]

    def bbox(self) -> tuple[float, float, float, float]:
        """Bounding box (x0, y0, x1, y1) in fractions of the side."""
        r = self.radius
        if self.shape == "circle":
            return (self.cx - r, self.cy - r, self.cx + r, self.cy + r)
        if self.shape == "square":
            h = 0.85 * r
            return (self.cx - h, self.cy - h, self.cx + h, self.cy + h)
        return (self.cx - 0.9 * r, self.cy - r, self.cx + 0.9 * r, self.cy + 0.8 * r)

    def phrase(self, with_position: bool = True) -> str:
        base = f"a {self.size} {self.colour} {self.shape}"
        return f"{base} {self.position}" if with_position else base


@dataclass
class Scene:
    background: str
    objects: list[SceneObject] = field(default_factory=list)

    def caption(self) -> str:
        """The canonical caption: every position, the background, objects in drawing order."""
        return " and ".join(o.phrase() for o in self.objects) + f" on a {self.background} background"

    def training_caption(self, rng: random.Random) -> str:
        """A caption variant as used in training (SHAPES_WORLD "Variants")."""
        if rng.random() < 0.1:
            return ""
        objs = list(self.objects)
        rng.shuffle(objs)
        text = " and ".join(o.phrase(with_position=rng.random() >= 0.25) for o in objs)
        if rng.random() >= 0.2:
            text += f" on a {self.background} background"
        return text


def _boxes_too_close(a, b) -> bool:
    gap_x = max(b[0] - a[2], a[0] - b[2])
    gap_y = max(b[1] - a[3], a[1] - b[3])
    return max(gap_x, gap_y) * SIDE < 1.0


def random_scene(rng: random.Random, n_objects: int | None = None) -> Scene:
    """Draws a scene following SHAPES_WORLD; redraws until no two bounding boxes come closer than 1 px."""
    if n_objects is None:
        n_objects = rng.choices((1, 2, 3), weights=OBJECT_COUNT_WEIGHTS)[0]
    while True:
        background = rng.choice(list(BACKGROUNDS))
        colours = [c for c in OBJECT_COLOURS if c != background]
        positions = rng.sample(POSITION_NAMES, n_objects)
        objs = []
        for pos in positions:
            px, py = POSITIONS[pos]
            objs.append(SceneObject(size=rng.choice(list(SIZES)), colour=rng.choice(colours),
                                    shape=rng.choice(SHAPES), position=pos,
                                    cx=px + rng.uniform(-JITTER, JITTER), cy=py + rng.uniform(-JITTER, JITTER)))
        boxes = [o.bbox() for o in objs]
        if all(not _boxes_too_close(boxes[i], boxes[j]) for i in range(len(boxes)) for j in range(i + 1, len(boxes))):
            return Scene(background, objs)


_COORDS = (np.arange(SIDE, dtype=np.float32) + 0.5) / SIDE  # pixel centres


def object_mask(o: SceneObject) -> np.ndarray:
    """Boolean [SIDE, SIDE] mask of the pixels whose centre lies inside the shape (flat colour, no AA)."""
    x = _COORDS[None, :]
    y = _COORDS[:, None]
    r = o.radius
    if o.shape == "circle":
        return (x - o.cx) ** 2 + (y - o.cy) ** 2 <= r * r
    if o.shape == "square":
        h = 0.85 * r
        return (np.abs(x - o.cx) <= h) & (np.abs(y - o.cy) <= h)
    top = o.cy - r
    rel = (y - top) / (1.8 * r)  # 0 at the apex, 1 at the base
    return (y >= top) & (y <= o.cy + 0.8 * r) & (np.abs(x - o.cx) <= 0.9 * r * rel)


def render(scene: Scene) -> np.ndarray:
    """The scene as uint8 RGB [SIDE, SIDE, 3]."""
    img = np.empty((SIDE, SIDE, 3), dtype=np.uint8)
    img[:] = BACKGROUNDS[scene.background]
    for o in scene.objects:
        img[object_mask(o)] = OBJECT_COLOURS[o.colour]
    return img


def to_unit(img: np.ndarray) -> np.ndarray:
    """uint8 HWC → float32 CHW in [-1, 1] (v / 127.5 − 1)."""
    return (img.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)


def from_unit(x: np.ndarray) -> np.ndarray:
    """float CHW in [-1, 1] → uint8 HWC, the generation contract's rounding."""
    return np.round(np.clip((x + 1.0) / 2.0, 0.0, 1.0) * 255.0).astype(np.uint8).transpose(1, 2, 0)


# ---------------------------------------------------------------- captions → structured objects

@dataclass
class CaptionObject:
    size: str
    colour: str
    shape: str
    position: str | None


@dataclass
class ParsedCaption:
    objects: list[CaptionObject]
    background: str | None


def parse_caption(caption: str) -> ParsedCaption:
    """Parses a Shapes-World caption (any variant) back into objects and background."""
    text = caption.strip().lower()
    background = None
    if " on a " in f" {text}" and text.endswith(" background"):
        head, _, tail = text.rpartition("on a ")
        background = tail.removesuffix(" background").strip()
        text = head.strip()
    objects = []
    for part in [p for p in text.split(" and ") if p]:
        words = part.split()
        if len(words) < 4 or words[0] != "a":
            raise ValueError(f"not a Shapes-World object phrase: {part!r}")
        rest = " ".join(words[4:]) or None
        if rest is not None and rest not in POSITIONS:
            raise ValueError(f"unknown position phrase: {rest!r}")
        objects.append(CaptionObject(words[1], words[2], words[3], rest))
    return ParsedCaption(objects, background)


# ---------------------------------------------------------------- the adherence detector

COLOUR_TOLERANCE = 60.0  # max RGB distance to the nearest palette colour for a pixel to be classified
MIN_REGION_AREA = 12      # px; smaller fragments are not objects
SQUARE_MIN_FILL = 0.89    # bounding-box fill: square ≈ 1.0, circle ≈ 0.785, triangle ≈ 0.5
TRIANGLE_MAX_FILL = 0.64


def expected_area(shape: str, size: str) -> float:
    r = SIZES[size] * SIDE
    if shape == "circle":
        return math.pi * r * r
    if shape == "square":
        return (1.7 * r) ** 2
    return 0.5 * (1.8 * r) * (1.8 * r)


@dataclass
class Region:
    colour: str
    area: int
    fill: float
    cx: float  # centroid, fractions of the side
    cy: float

    @property
    def shape(self) -> str:
        if self.fill >= SQUARE_MIN_FILL:
            return "square"
        if self.fill < TRIANGLE_MAX_FILL:
            return "triangle"
        return "circle"

    @property
    def size(self) -> str:
        s, l = expected_area(self.shape, "small"), expected_area(self.shape, "large")
        return "large" if self.area > math.sqrt(s * l) else "small"

    @property
    def position(self) -> str:
        return min(POSITION_NAMES, key=lambda p: (POSITIONS[p][0] - self.cx) ** 2 + (POSITIONS[p][1] - self.cy) ** 2)


def classify_pixels(img: np.ndarray) -> np.ndarray:
    """Index into PALETTE_NAMES per pixel, −1 where no palette colour is near enough."""
    flat = img.reshape(-1, 3).astype(np.float32)
    d = ((flat[:, None, :] - PALETTE_RGB[None, :, :]) ** 2).sum(-1)
    idx = d.argmin(1)
    idx[d[np.arange(len(idx)), idx] > COLOUR_TOLERANCE ** 2] = -1
    return idx.reshape(img.shape[:2])


def _label(mask: np.ndarray) -> tuple[np.ndarray, int]:
    from scipy import ndimage  # 4-connectivity labelling
    return ndimage.label(mask)


def find_regions(img: np.ndarray) -> tuple[list[Region], str]:
    """Connected regions of each palette colour (4-connected, ≥ MIN_REGION_AREA) and the background colour."""
    classes = classify_pixels(img)
    counts = np.bincount(classes[classes >= 0].ravel(), minlength=len(PALETTE_NAMES))
    background = PALETTE_NAMES[int(counts.argmax())]
    regions = []
    for ci, name in enumerate(PALETTE_NAMES):
        if name == background or counts[ci] < MIN_REGION_AREA:
            continue
        labels, n = _label(classes == ci)
        for k in range(1, n + 1):
            ys, xs = np.nonzero(labels == k)
            if len(ys) < MIN_REGION_AREA:
                continue
            bbox_area = (xs.max() - xs.min() + 1) * (ys.max() - ys.min() + 1)
            regions.append(Region(name, len(ys), len(ys) / bbox_area,
                                  (xs.mean() + 0.5) / SIDE, (ys.mean() + 0.5) / SIDE))
    return regions, background


@dataclass
class Judgement:
    objects_ok: bool         # every named object found with colour, shape, size and (if named) position
    background_ok: bool | None  # None when the caption names no background
    per_object: list[bool]

    @property
    def ok(self) -> bool:
        return self.objects_ok and self.background_ok is not False


def _match(objects: list[CaptionObject], regions: list[Region]) -> tuple[list[bool], set[int]]:
    """The judge's matching: each named object, in caption order, takes the first unused region with its
    colour, shape, size and (if named) position."""
    used: set[int] = set()
    per_object = []
    for obj in objects:
        match = None
        for i, r in enumerate(regions):
            if i in used or r.colour != obj.colour or r.shape != obj.shape or r.size != obj.size:
                continue
            if obj.position is not None and r.position != obj.position:
                continue
            match = i
            break
        if match is not None:
            used.add(match)
        per_object.append(match is not None)
    return per_object, used


def judge(img: np.ndarray, caption: str) -> Judgement:
    """Does the image adhere to the caption? (SHAPES_WORLD "What adherence means")."""
    parsed = parse_caption(caption)
    regions, background = find_regions(img)
    per_object, _ = _match(parsed.objects, regions)
    bg_ok = None if parsed.background is None else (parsed.background == background)
    return Judgement(all(per_object), bg_ok, per_object)


# ---------------------------------------------------------------- why an image fails: error classes

# Classes of failure, in table order, with their printed names. The Swift twin (Sources/ShapesWorld/
# FailureAnalysis.swift) follows the same rules; change both together.
ERROR_CLASSES = {
    "missing": "object missing", "colour": "wrong colour", "shape": "wrong shape",
    "swapped": "colour/shape swapped", "position": "wrong position", "size": "wrong size",
    "extra": "extra object", "background": "background",
}


@dataclass
class Diagnosis:
    judgement: Judgement
    errors: list[str]  # ERROR_CLASSES keys: unfound objects (caption order), unexplained regions, background
    detected_background: str


def diagnose(img: np.ndarray, caption: str) -> Diagnosis:
    """The judgement and, when the image fails, why. Rules (the same in Swift):

    Each named object the judge did not find is explained by an unused region (the judge's own matches
    stay), in passes over the unfound objects in caption order, each pass taking the first unused region in
    region order that fits, before the next pass starts:
      1. position  — the object's colour, shape and size, at another named position;
      2. size      — its colour and shape, at its position (or any when the caption names none), other size;
      3. colour    — its shape, at its position, another colour: "swapped" when that colour is named for
                     another object of the caption, else "colour";
      4. shape     — its colour, at its position, another shape: "swapped" when that shape is named for
                     another object of the caption, else "shape";
    an object still unexplained is "missing". Then every unused region left is an "extra" object, and a
    wrong background adds "background". An adhering image has no errors.
    """
    parsed = parse_caption(caption)
    regions, background = find_regions(img)
    per_object, used = _match(parsed.objects, regions)
    bg_ok = None if parsed.background is None else (parsed.background == background)
    judgement = Judgement(all(per_object), bg_ok, per_object)
    if judgement.ok:
        return Diagnosis(judgement, [], background)
    objs = parsed.objects
    classes: dict[int, str] = {}

    def at_position(o: CaptionObject, r: Region) -> bool:
        return o.position is None or r.position == o.position

    def named_for_another(i: int, attribute: str, value: str) -> bool:
        return any(getattr(o, attribute) == value for j, o in enumerate(objs) if j != i)

    passes = [
        lambda i, o, r: "position" if (o.position is not None and r.colour == o.colour and r.shape == o.shape
                                       and r.size == o.size and r.position != o.position) else None,
        lambda i, o, r: "size" if (r.colour == o.colour and r.shape == o.shape and at_position(o, r)
                                   and r.size != o.size) else None,
        lambda i, o, r: (("swapped" if named_for_another(i, "colour", r.colour) else "colour")
                         if r.shape == o.shape and at_position(o, r) and r.colour != o.colour else None),
        lambda i, o, r: (("swapped" if named_for_another(i, "shape", r.shape) else "shape")
                         if r.colour == o.colour and at_position(o, r) and r.shape != o.shape else None),
    ]
    for rule in passes:
        for i, o in enumerate(objs):
            if per_object[i] or i in classes:
                continue
            for k, r in enumerate(regions):
                if k in used:
                    continue
                cls = rule(i, o, r)
                if cls is not None:
                    classes[i] = cls
                    used.add(k)
                    break
    errors = [classes.get(i, "missing") for i, found in enumerate(per_object) if not found]
    errors += ["extra"] * (len(regions) - len(used))
    if bg_ok is False:
        errors.append("background")
    return Diagnosis(judgement, errors, background)


# ---------------------------------------------------------------- tokenizer

def build_tokenizer(max_length: int):
    """The WordLevel tokenizer of SHAPES_WORLD, in the `tokenizers` library's format."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    vocab = {tok: i for i, tok in enumerate(SPECIAL_TOKENS + VOCABULARY)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(single="<bos> $A <eos>", special_tokens=[("<bos>", 2), ("<eos>", 3)])
    tok.enable_padding(pad_id=0, pad_token="<pad>", length=max_length)
    tok.enable_truncation(max_length=max_length)
    return tok


def held_out_captions(n_per_count: int, seed: int = 20261125) -> list[tuple[Scene, str]]:
    """Fixed evaluation scenes (canonical captions), n of each object count, disjoint seed from training."""
    rng = random.Random(seed)
    out = []
    for k in (1, 2, 3):
        for _ in range(n_per_count):
            s = random_scene(rng, k)
            out.append((s, s.caption()))
    return out


# ---------------------------------------------------------------- the fixed evaluation set

EVAL_CAPTIONS_VERSION = "eval-captions-v1"
EVAL_CAPTIONS = Path(__file__).resolve().parent.parent / "Models" / "shapes-mmdit" / f"{EVAL_CAPTIONS_VERSION}.json"


def load_eval_captions(path: Path = EVAL_CAPTIONS, per_count: int | None = None) -> dict:
    """The fixed evaluation caption set (written by make_eval_captions.py); with per_count, only the first
    per_count items of each object count (a fixed subset, in file order)."""
    data = json.loads(Path(path).read_text())
    for key in ("version", "items"):
        if key not in data:
            raise ValueError(f"{path}: not an evaluation caption set (no {key!r})")
    if per_count is not None:
        taken = {1: 0, 2: 0, 3: 0}
        items = []
        for item in data["items"]:
            k = len(item["objects"])
            if taken.get(k, per_count) < per_count:
                taken[k] += 1
                items.append(item)
        data = {**data, "items": items}
    return data


if __name__ == "__main__":
    # Self-check: every rendered scene passes the detector for its canonical caption.
    rng = random.Random(0)
    fails = 0
    for i in range(2000):
        s = random_scene(rng)
        j = judge(render(s), s.caption())
        if not j.ok:
            fails += 1
            if fails < 5:
                print("FAIL", s.caption(), j)
    print(json.dumps({"scenes": 2000, "detector_failures_on_ground_truth": fails}))
