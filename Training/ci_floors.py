"""The CI adherence floors of Tests/ModelQualityTests from an evaluation of the fixed caption set.

For each object count, with n captions and k measured successes (p = k / n, taken as the shipped export's
true rate), the floor is the largest f with P(X >= f) >= 1 - alpha / 4 for X ~ Binomial(n, p); the same for
the background with p capped at 0.99 (a measured 600/600 would allow no miss at all). Four checks at
alpha / 4 each: an equally good export (same true rates, other luck) passes all of them with probability
>= 1 - alpha = 99% (the binomial is conservative here: with fixed captions of unequal difficulty the spread
of an export's score is at most binomial). It also prints the power: the probability that an export whose
rate is 0.15 (or 0.10) lower fails.

Usage: python3 Training/ci_floors.py RECORDS.jsonl     (from `dit-studio evaluate --records` or evaluate.py)
"""
from __future__ import annotations

import json
import sys

from scipy.stats import binom

ALPHA = 0.01   # an equally good export fails at most this often
DROP = 0.15    # a drop this large must fail with high probability


def floor(n: int, p: float, alpha_each: float) -> int:
    return max(f for f in range(n + 1) if binom.sf(f - 1, n, p) >= 1 - alpha_each)


def main() -> None:
    records = [json.loads(line) for line in open(sys.argv[1])]
    for k in (1, 2, 3):
        ok = [r["objects_ok"] for r in records if r["objects"] == k]
        n, s = len(ok), sum(ok)
        p = s / n
        f = floor(n, p, ALPHA / 4)
        print(f"{k} object(s): {s}/{n} = {p:.3f}; floor {f}/{n} = {f / n:.3f}; "
              f"P(pass | p) = {binom.sf(f - 1, n, p):.4f}; "
              f"P(fail | p - {DROP}) = {binom.cdf(f - 1, n, p - DROP):.4f}; "
              f"P(fail | p - 0.10) = {binom.cdf(f - 1, n, p - 0.10):.4f}")
    bg = [r["background_ok"] is True for r in records]
    n, s = len(bg), sum(bg)
    p = min(s / n, 0.99)
    f = floor(n, p, ALPHA / 4)
    print(f"background: {s}/{n}; assumed p = {p:.3f}; floor {f}/{n} = {f / n:.3f}; "
          f"P(pass | p) = {binom.sf(f - 1, n, p):.4f}; P(fail | p - {DROP}) = {binom.cdf(f - 1, n, p - DROP):.4f}")


if __name__ == "__main__":
    main()
