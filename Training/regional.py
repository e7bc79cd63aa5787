"""Regional prompting in training: layouts drawn from scenes, and the regional joint attention as the Swift
engine computes it (RegionGrid and RegionalAttention), so that the model can be fine-tuned under the very
attention it meets when a user draws boxes.

A layout gives every object of a scene a box around its named position (the cell centre widened by a random
half-extent, like `dit-studio evaluate-regions`'s layouts but over a wider range) — or, for a share of the
objects, a free rectangle around the object that may span several cells — and a prompt with no position
words; the base prompt names every object without positions. The conditional context is
[region 1 text | … | region R_MAX text | base text], each one prompt's length; unused region slots are masked
off (their text attends only to itself, and no image token sees it), which is exactly what a layout with fewer
regions computes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

import shapes_world as sw

R_MAX = 3           # region slots: one per object of the largest scene
GRID = 8            # the transformer's patch grid (64 px, VAE factor 4, patch 2)
HALF_EXTENT = (0.12, 0.30)
FREE_MARGIN = 0.35  # the most a free box reaches beyond its object's bounding box, per side


@dataclass
class RegionalLayout:
    boxes: list[tuple[float, float, float, float]]
    prompts: list[str]
    base_prompt: str


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def free_box(rng: random.Random, scene: sw.Scene, index: int, tries: int = 10):
    """A rectangle around object `index`'s bounding box, widened by 0.01–MARGIN on each side (so it may
    span several cells, in any aspect), touching no other object; None when ten draws all did."""
    o = scene.objects[index]
    x0, y0, x1, y1 = o.bbox()
    others = [p.bbox() for i, p in enumerate(scene.objects) if i != index]
    for _ in range(tries):
        box = (max(0.0, x0 - rng.uniform(0.01, FREE_MARGIN)), max(0.0, y0 - rng.uniform(0.01, FREE_MARGIN)),
               min(1.0, x1 + rng.uniform(0.01, FREE_MARGIN)), min(1.0, y1 + rng.uniform(0.01, FREE_MARGIN)))
        if not any(_overlaps(box, b) for b in others):
            return box
    return None


def random_layout(rng: random.Random, scene: sw.Scene, free_share: float = 0.0) -> RegionalLayout:
    """Every object gets a box — around its named position, or with probability `free_share` a free
    rectangle around the object (`free_box`); prompts and base prompt carry no positions."""
    boxes, prompts = [], []
    for index, o in enumerate(scene.objects):
        box = free_box(rng, scene, index) if free_share and rng.random() < free_share else None
        if box is None:
            cx, cy = sw.POSITIONS[o.position]
            h = rng.uniform(*HALF_EXTENT)
            box = (max(0.0, cx - h), max(0.0, cy - h), min(1.0, cx + h), min(1.0, cy + h))
        boxes.append(box)
        prompts.append(o.phrase(with_position=False))
    objs = list(scene.objects)
    rng.shuffle(objs)
    base = " and ".join(o.phrase(with_position=False) for o in objs)
    if rng.random() >= 0.2:
        base += f" on a {scene.background} background"
    return RegionalLayout(boxes, prompts, base)


def coverage(box, columns: int = GRID, rows: int = GRID) -> torch.Tensor:
    """Tokens a box covers: at least half of the cell inside, else the single best cell (as RegionGrid)."""
    x0, y0, x1, y1 = box
    frac = torch.zeros(rows * columns, dtype=torch.float64)
    for gy in range(rows):
        dy = max(0.0, min((gy + 1) / rows, y1) - max(gy / rows, y0)) * rows
        for gx in range(columns):
            dx = max(0.0, min((gx + 1) / columns, x1) - max(gx / columns, x0)) * columns
            frac[gy * columns + gx] = dx * dy
    covered = frac >= 0.5
    if not covered.any() and frac.max() > 0:
        covered[int(frac.argmax())] = True
    return covered


def regional_mask(boxes, text_tokens: int, emphasis: float = 0.0) -> torch.Tensor:
    """The regional component's additive mask over [image | R_MAX region texts] (0 allowed, -inf not; the
    emphasis added to image → own region text), as RegionalAttention.bias builds it."""
    n = GRID * GRID
    total = n + R_MAX * text_tokens
    cov = torch.zeros(R_MAX, n, dtype=torch.bool)
    for r, box in enumerate(boxes):
        cov[r] = coverage(box)
    uncovered = ~cov.any(0)
    allowed = torch.zeros(total, total, dtype=torch.bool)
    shared = (cov.unsqueeze(2) & cov.unsqueeze(1)).any(0)
    allowed[:n, :n] = shared | (uncovered.unsqueeze(1) & uncovered.unsqueeze(0))
    for r in range(R_MAX):
        t = slice(n + r * text_tokens, n + (r + 1) * text_tokens)
        allowed[t, t] = True
        allowed[t, :n] = cov[r].unsqueeze(0)
        allowed[:n, t] = cov[r].unsqueeze(1)
    mask = torch.zeros(total, total).masked_fill(~allowed, float("-inf"))
    if emphasis:
        mask[:n, n:] += emphasis * allowed[:n, n:].float()
    return mask


class RegionalJointAttnProcessor:
    """diffusers' joint attention (SD3), plus the regional method when `regional` is given:
    {"mask": [B, 1, T, T] over [image | region texts], "base_ratio": [B, 1, 1], "text_tokens": L}.
    The image rows blend (1 − β)·regional + β·base; region text comes from the regional branch, the base
    text (the context's last L tokens) from the base branch."""

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, regional=None):
        b = hidden_states.shape[0]
        n = hidden_states.shape[1]
        heads = attn.heads

        def split(x):
            return x.view(b, -1, heads, x.shape[-1] // heads).transpose(1, 2)

        q, k, v = split(attn.to_q(hidden_states)), split(attn.to_k(hidden_states)), split(attn.to_v(hidden_states))
        cq = split(attn.add_q_proj(encoder_hidden_states))
        ck = split(attn.add_k_proj(encoder_hidden_states))
        cv = split(attn.add_v_proj(encoder_hidden_states))
        q, k, v = torch.cat([q, cq], 2), torch.cat([k, ck], 2), torch.cat([v, cv], 2)
        if regional is None:
            out = F.scaled_dot_product_attention(q, k, v)
        else:
            L = regional["text_tokens"]
            split_at = q.shape[2] - L
            reg = F.scaled_dot_product_attention(q[:, :, :split_at], k[:, :, :split_at], v[:, :, :split_at],
                                                 attn_mask=regional["mask"])
            idx = torch.cat([torch.arange(n), torch.arange(split_at, q.shape[2])])
            base = F.scaled_dot_product_attention(q[:, :, idx], k[:, :, idx], v[:, :, idx])
            beta = regional["base_ratio"].view(b, 1, 1, 1)
            image = (1 - beta) * reg[:, :, :n] + beta * base[:, :, :n]
            out = torch.cat([image, reg[:, :, n:], base[:, :, n:]], 2)
        out = out.transpose(1, 2).reshape(b, -1, heads * out.shape[-1])
        image_out, text_out = out[:, :n], out[:, n:]
        if not attn.context_pre_only:
            text_out = attn.to_add_out(text_out)
        image_out = attn.to_out[1](attn.to_out[0](image_out))
        return image_out, text_out


def install(transformer) -> None:
    """Use the regional-capable processor in every joint attention of the transformer."""
    transformer.set_attn_processor(RegionalJointAttnProcessor())


def regional_batch(rng: random.Random, n: int, text_tokens: int, count_weights=None,
                   emphasis: tuple[float, float] = (0.0, 6.0), base_ratio: tuple[float, float] = (0.2, 0.4),
                   free_share: float = 0.0):
    """n scenes with layouts: images [n, 3, 64, 64], region prompts padded to R_MAX per scene (the empty
    prompt in unused slots), base prompts, masks [n, 1, T, T] and base ratios [n]."""
    counts = rng.choices((1, 2, 3), weights=count_weights or sw.OBJECT_COUNT_WEIGHTS, k=n)
    scenes = [sw.random_scene(rng, c) for c in counts]
    layouts = [random_layout(rng, s, free_share) for s in scenes]
    x = torch.from_numpy(np.stack([sw.to_unit(sw.render(s)) for s in scenes]))
    region_prompts = [p for lay in layouts for p in lay.prompts + [""] * (R_MAX - len(lay.prompts))]
    masks = torch.stack([regional_mask(lay.boxes, text_tokens, rng.uniform(*emphasis)) for lay in layouts]).unsqueeze(1)
    ratios = torch.tensor([rng.uniform(*base_ratio) for _ in layouts])
    return x, region_prompts, [lay.base_prompt for lay in layouts], masks, ratios
