"""Goodness-of-fit tests for the samplers, without scipy.

Every statistical property uses ALPHA: a correct sampler, however it draws (rng.choice,
Gumbel-max, inverse CDF, a linear scan), fails one test with probability at most 1e-6.
The draws come from fixed seeds, so each verdict is deterministic; ALPHA bounds the
chance that a correct sampler's fixed draws land in the rejection region.

>>> round(chi2_sf(3.84, 1), 3)
0.05
>>> pearson([50, 50], [0.5, 0.5]) > ALPHA
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

ALPHA = 1e-6  # false-failure rate of each statistical test
MIN_EXPECTED = 5.0  # bins expected fewer times than this are pooled into one


def _gamma_q(a: float, x: float) -> float:
    """The regularised upper incomplete gamma Q(a, x) (series or continued fraction)."""
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:  # series for P(a, x)
        term = total = 1.0 / a
        n = a
        for _ in range(10_000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300  # Lentz's continued fraction for Q(a, x)
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return math.exp(log_front) * h


def chi2_sf(statistic: float, dof: int) -> float:
    """P(chi-square with dof degrees of freedom >= statistic): chi2_sf(0, 3) == 1.0."""
    return _gamma_q(dof / 2.0, statistic / 2.0)


def pearson(observed: Sequence[int], probs: Sequence[float]) -> float:
    """The p-value of Pearson's chi-square test of counts against probabilities.

    Bins expected fewer than MIN_EXPECTED times are pooled; an observation in a bin of
    probability exactly 0 gives p = 0 (it is impossible).
    """
    n = sum(observed)
    if any(o > 0 and p == 0 for o, p in zip(observed, probs)):
        return 0.0
    bins: list[tuple[float, float]] = []
    pooled_o = pooled_e = 0.0
    for o, p in zip(observed, probs):
        if n * p >= MIN_EXPECTED:
            bins.append((o, n * p))
        else:
            pooled_o, pooled_e = pooled_o + o, pooled_e + n * p
    if pooled_e > 0:
        bins.append((pooled_o, pooled_e))
    if len(bins) < 2:
        return 1.0
    statistic = sum((o - e) ** 2 / e for o, e in bins)
    return chi2_sf(statistic, len(bins) - 1)


def binomial_p(k: int, n: int, p: float) -> float:
    """Two-sided exact binomial p-value: twice the smaller tail, at most 1.

    >>> binomial_p(50, 100, 0.5)
    1.0
    """
    if p <= 0 or p >= 1:
        return 1.0 if k == round(n * p) else 0.0

    def pmf(i: int) -> float:
        return math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                        + i * math.log(p) + (n - i) * math.log1p(-p))

    low = sum(pmf(i) for i in range(0, k + 1))
    high = sum(pmf(i) for i in range(k, n + 1))
    return min(1.0, 2 * min(low, high))
