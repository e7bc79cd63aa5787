#!/usr/bin/env python3
"""Reference for regional attention: Tests/Fixtures/regional/attention.safetensors.

Follows the regional-prompting method as its public FLUX code computes it, moved to SD3's token
order (image tokens first): a boolean mask over [image; region texts], a regional attention with
that mask, a base attention over [image; base text] with no mask, the image rows blended
(1 - base_ratio)·regional + base_ratio·base, each text stream taken from its own branch. Both
attentions are torch.nn.functional.scaled_dot_product_attention. The "emphasised" case adds the
region emphasis E to the image rows' scores for their regions' text: a float mask (0 or E where the
boolean mask allows, -inf where it does not).

Run from the repository root: python3 Training/reference/make_regional_fixtures.py (deterministic).
"""
import json
from pathlib import Path

import torch
from safetensors.torch import save_file

torch.manual_seed(7)
torch.set_num_threads(1)
OUT = Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "regional"

COLUMNS, ROWS = 4, 3
N = COLUMNS * ROWS          # image tokens
L = 3                       # text tokens per prompt
HEADS, HEAD_DIM = 2, 4
# Coverage of each region (row-major tokens); two overlap at token 5, tokens 3, 7, 11 uncovered.
COVERAGE = [
    [0, 1, 4, 5, 8, 9],
    [2, 5, 6, 10],
]
R = len(COVERAGE)


def regional_mask() -> torch.Tensor:
    """[N + R·L, N + R·L] booleans, image first, as the reference builds its mask (text first there)."""
    covered = torch.zeros(R, N, dtype=torch.bool)
    for r, tokens in enumerate(COVERAGE):
        covered[r, tokens] = True
    total = N + R * L
    mask = torch.zeros(total, total, dtype=torch.bool)
    self_attend = torch.zeros(N, N, dtype=torch.bool)
    union = torch.zeros(N, N, dtype=torch.bool)
    for r in range(R):
        t0, t1 = N + r * L, N + (r + 1) * L
        mask[t0:t1, t0:t1] = True                       # text attends to itself
        mask[t0:t1, :N] = covered[r].unsqueeze(0)       # text attends to its region's image
        mask[:N, t0:t1] = covered[r].unsqueeze(1)       # the region's image attends to its text
        rows = covered[r].unsqueeze(1).expand(N, N)
        self_attend |= rows & rows.T
        union |= rows | rows.T
    mask[:N, :N] = (~union) | self_attend
    return mask


def attend(q, k, v, mask=None):
    # [T, H·d] → [1, H, T, d]
    def split(x):
        return x.view(1, -1, HEADS, HEAD_DIM).transpose(1, 2)
    out = torch.nn.functional.scaled_dot_product_attention(split(q), split(k), split(v), attn_mask=mask)
    return out.transpose(1, 2).reshape(-1, HEADS * HEAD_DIM)


def emphasised_mask(emphasis: float) -> torch.Tensor:
    allowed = regional_mask()
    mask = torch.zeros(allowed.shape).masked_fill(~allowed, float("-inf"))
    mask[:N, N:] += emphasis * allowed[:N, N:].float()
    return mask


def case(base_ratio: float, masked: bool, emphasis: float = 0.0):
    width = HEADS * HEAD_DIM
    total = N + R * L + L
    q, k, v = (torch.randn(total, width) for _ in range(3))
    reg = slice(0, N + R * L)
    base_idx = torch.cat([torch.arange(N), torch.arange(N + R * L, total)])
    mask = (emphasised_mask(emphasis) if emphasis else regional_mask()) if masked else None
    regional = attend(q[reg], k[reg], v[reg], mask)
    base = attend(q[base_idx], k[base_idx], v[base_idx])
    out = torch.empty(total, width)
    out[:N] = (1 - base_ratio) * regional[:N] + base_ratio * base[:N]
    out[N:N + R * L] = regional[N:]
    out[N + R * L:] = base[N:]
    return {"q": q, "k": k, "v": v, "out": out}


tensors = {}
CASES = {"masked_0.3": [0.3, True, 0.0], "unmasked_0.3": [0.3, False, 0.0], "masked_0": [0.0, True, 0.0],
         "emphasised_0.3": [0.3, True, 2.0]}
for name, (ratio, masked, emphasis) in CASES.items():
    for key, value in case(ratio, masked, emphasis).items():
        tensors[f"{name}.{key}"] = value.contiguous()
OUT.mkdir(parents=True, exist_ok=True)
save_file(tensors, OUT / "attention.safetensors", metadata={
    "columns": str(COLUMNS), "rows": str(ROWS), "text_tokens": str(L), "heads": str(HEADS),
    "head_dim": str(HEAD_DIM), "coverage": json.dumps(COVERAGE),
    "cases": json.dumps(CASES),
})
print("wrote", OUT / "attention.safetensors")
