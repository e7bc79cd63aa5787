"""Plots the adherence curve — one, two and three objects and background against training minutes, with
Wilson 95% bands — from the `evals` of a model's training.json and/or the `eval` lines of a log.jsonl.

Usage: python3 Training/plot_curve.py [--training Models/shapes-mmdit/training.json] [--log ~/ckpt/dit-studio/dit/log.jsonl]
                                      [--out curve.png]
Points from both files are merged by training minute (the log wins). matplotlib draws it when installed
(Training/requirements.txt); otherwise a plainer chart is drawn with Pillow.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from stats import wilson

SERIES = [("obj1", "one object", (31, 119, 180)), ("obj2", "two objects", (255, 127, 14)),
          ("obj3", "three objects", (44, 160, 44)), ("background", "background", (120, 120, 120))]


def load_points(training: Path | None, log: Path | None) -> list[dict]:
    points: dict[float, dict] = {}
    if training is not None and training.exists():
        for e in json.loads(training.read_text()).get("evals", []):
            points[e["minutes"]] = e
    if log is not None and log.exists():
        for line in log.read_text().splitlines():
            try:
                e = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a killed job
            if e.get("kind") == "eval":
                points[e["minutes"]] = e
    return [points[m] for m in sorted(points)]


def band(e: dict, key: str) -> tuple[float, float]:
    """The point's Wilson interval: recorded, else from its rate and size (n captions, split over 3 counts)."""
    if f"{key}_ci" in e:
        return tuple(e[f"{key}_ci"])
    n = e.get(f"{key}_n") or (e["n"] if key == "background" else e["n"] // 3)
    return wilson(round(e[key] * n), n)


def plot_matplotlib(points: list[dict], out: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    x = [e["minutes"] for e in points]
    for key, label, rgb in SERIES:
        colour = tuple(c / 255 for c in rgb)
        ys = [e[key] for e in points]
        lo, hi = zip(*(band(e, key) for e in points))
        ax.plot(x, ys, "o-", color=colour, label=label)
        ax.fill_between(x, lo, hi, color=colour, alpha=0.15, linewidth=0)
    ax.set_xlabel("training minutes")
    ax.set_ylabel("adherence (share of captions)")
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(out)


def plot_pillow(points: list[dict], out: Path, title: str) -> None:
    from PIL import Image, ImageDraw
    w, h, left, right, top, bottom = 840, 500, 60, 20, 40, 50
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    xs = [e["minutes"] for e in points]
    x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    px = lambda m: left + (m - x0) / (x1 - x0) * (w - left - right)  # noqa: E731
    py = lambda v: h - bottom - v * (h - top - bottom)  # noqa: E731
    for v in (0, 0.25, 0.5, 0.75, 1.0):
        d.line([(left, py(v)), (w - right, py(v))], fill=(225, 225, 225))
        d.text((10, py(v) - 6), f"{v:.2f}", fill="black")
    for m in xs:
        d.text((px(m) - 8, h - bottom + 8), f"{m:g}", fill="black")
    d.text((w // 2 - 50, h - 20), "training minutes", fill="black")
    d.text((left, 12), title, fill="black")
    for i, (key, label, rgb) in enumerate(SERIES):
        pts = [(px(e["minutes"]), py(e[key])) for e in points]
        for e, (x, _) in zip(points, pts):
            lo, hi = band(e, key)
            d.line([(x, py(lo)), (x, py(hi))], fill=rgb)
        if len(pts) > 1:
            d.line(pts, fill=rgb, width=2)
        for x, y in pts:
            d.ellipse([x - 3, y - 3, x + 3, y + 3], fill=rgb)
        d.text((w - right - 120, h - bottom - 80 + 14 * i), label, fill=rgb)
    img.save(out)


def main() -> None:
    repo = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--training", type=Path, default=repo / "Models" / "shapes-mmdit" / "training.json")
    ap.add_argument("--log", type=Path, default=None, help="a log.jsonl of train_dit.py (eval lines)")
    ap.add_argument("--out", type=Path, default=Path("adherence-curve.png"))
    ap.add_argument("--title", default="Shapes-World MMDiT: adherence during training (Wilson 95% bands)")
    args = ap.parse_args()
    points = load_points(args.training, args.log)
    if not points:
        raise SystemExit("no evaluations found (training.json `evals` or log.jsonl `eval` lines)")
    try:
        plot_matplotlib(points, args.out, args.title)
        how = "matplotlib"
    except ImportError:
        plot_pillow(points, args.out, args.title)
        how = "Pillow (matplotlib is not installed)"
    print(f"wrote {args.out} ({len(points)} points, {how})")


if __name__ == "__main__":
    main()
