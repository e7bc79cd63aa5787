"""Shared plumbing for the training scripts: threads, checkpoints, logs, batches of scenes."""
from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import numpy as np
import torch

import shapes_world as sw

CKPT_ROOT = Path(os.environ.get("DIT_STUDIO_CKPT", Path.home() / "ckpt" / "dit-studio"))
REPO = Path(__file__).resolve().parent.parent
EXPORT_DIR = Path(os.environ.get("DIT_STUDIO_EXPORT", REPO / "Models" / "shapes-mmdit"))


def apply_thread_setting(default: int = 1) -> int:
    """Thread count from $CKPT_ROOT/threads (so a running job can be told to give a core back), else default."""
    f = CKPT_ROOT / "threads"
    n = default
    try:
        n = max(1, int(f.read_text().strip()))
    except (OSError, ValueError):
        pass
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def save_checkpoint(obj: dict, path: Path) -> None:
    """Atomic save: a crash mid-write never destroys the previous checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def log_line(path: Path, **record) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    record["wall"] = time.strftime("%Y-%m-%d %H:%M:%S")
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")
    print(json.dumps(record), flush=True)


def scene_batch(rng: random.Random, n: int, with_captions: bool = False, count_weights=None):
    """n fresh scenes as a float tensor [n, 3, 64, 64] in [-1, 1] (+ training-caption variants).
    count_weights: the mix of 1-, 2- and 3-object scenes; None draws the world's own mix."""
    counts = rng.choices((1, 2, 3), weights=count_weights, k=n) if count_weights else [None] * n
    scenes = [sw.random_scene(rng, c) for c in counts]
    x = torch.from_numpy(np.stack([sw.to_unit(sw.render(s)) for s in scenes]))
    if with_captions:
        return x, [s.training_caption(rng) for s in scenes], scenes
    return x, scenes
