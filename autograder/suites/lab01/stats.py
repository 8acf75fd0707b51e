"""Is a pile of samples consistent with a distribution? Pearson's chi-square test, no scipy.

Sampling checks use fixed seeds, so the reference always gets the same verdict; what the
threshold controls is the chance that a *correct* learner, who draws in another valid
way (rng.choice, rng.random and a cumulative sum, ...), fails by bad luck.

We bin outcomes so that every bin expects at least MIN_EXPECTED samples and fail only
when the p-value is below ALPHA = 1e-9. Pearson's statistic follows the chi-square law
well when every bin expects >= 25 samples, but far out in the tail the approximation can
be off by a factor; 1e-9 leaves three orders of magnitude for that, so the real rate of
false failures stays below 1e-6 per check (tests/test_suites.py measures the tail by
simulation). The mistakes these checks look for (argmax, temperature ignored or
multiplied, wrong row, no stop) give statistics many times the threshold.

>>> round(chi2_sf(3.841458820694124, 1), 6), round(chi2_sf(5.991464547107979, 2), 6)
(0.05, 0.05)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable

ALPHA = 1e-9
MIN_EXPECTED = 25.0


def chi2_sf(x: float, df: int) -> float:
    """P(X >= x) for X ~ chi-square with integer df >= 1 (closed forms, log-space terms)."""
    if x <= 0:
        return 1.0
    half = x / 2.0
    if df % 2 == 0:  # exp(-x/2) * sum_{i < df/2} (x/2)^i / i!
        terms = (i * math.log(half) - math.lgamma(i + 1) for i in range(df // 2))
        return min(1.0, sum(math.exp(t - half) for t in terms))
    # odd df: erfc(sqrt(x/2)) + exp(-x/2) * sum_{i=1}^{(df-1)/2} (x/2)^(i-1/2) / gamma(i+1/2)
    terms = ((i - 0.5) * math.log(half) - math.lgamma(i + 0.5) for i in range(1, df // 2 + 1))
    return min(1.0, math.erfc(math.sqrt(half)) + sum(math.exp(t - half) for t in terms))


def bins(probs: dict[Hashable, float], n: int,
         min_expected: float = MIN_EXPECTED) -> list[frozenset]:
    """Outcomes grouped so each group expects >= min_expected of n samples.

    Likely outcomes get a bin each; the rest share one "other" bin, which is merged
    into the smallest bin if it is still too small.
    """
    ranked = sorted(probs, key=lambda k: -probs[k])
    own = [frozenset([k]) for k in ranked if n * probs[k] >= min_expected]
    rest = frozenset(k for k in ranked if n * probs[k] < min_expected)
    if rest:
        if own and n * sum(probs[k] for k in rest) < min_expected:
            own[-1] = own[-1] | rest
        else:
            own.append(rest)
    return own


def tail_bins(probs: dict[int, float], n: int,
              min_expected: float = MIN_EXPECTED) -> list[frozenset]:
    """Ordered outcomes (word lengths) grouped into runs, from the largest down, so each
    run expects >= min_expected of n samples; what is left at the small end joins the last.

    Runs keep the tail apart from the middle, which is where a wrong stop rule shows (a
    word cut at 10 letters moves the 11+ run into the run holding 10).

    >>> [sorted(b) for b in tail_bins({0: 0.5, 1: 0.25, 2: 0.125, 3: 0.125}, 100)]
    [[2, 3], [1], [0]]
    >>> [sorted(b) for b in tail_bins({0: 0.1, 1: 0.6, 2: 0.3}, 100)]
    [[2], [0, 1]]
    """
    runs: list[frozenset] = []
    run: list[int] = []
    for k in sorted((k for k in probs if probs[k] > 0.0), reverse=True):
        run.append(k)
        if n * sum(probs[j] for j in run) >= min_expected:
            runs.append(frozenset(run))
            run = []
    if run:
        runs[-1:] = [runs[-1] | frozenset(run)] if runs else [frozenset(run)]
    return runs


def _pearson(seen: Counter, probs: dict[Hashable, float],
             group: Callable[[dict, int], list[frozenset]] = bins) -> tuple[float, int] | None:
    """(Pearson's statistic, degrees of freedom) of the counts under probs, or None when an
    outcome the distribution gives probability 0 (or does not list) was seen."""
    if any(probs.get(k, 0.0) <= 0.0 for k in seen):
        return None
    n = sum(seen.values())
    groups = group({k: p for k, p in probs.items() if p > 0.0}, n)
    stat = 0.0
    for g in groups:
        expected = n * sum(probs[k] for k in g)
        stat += (sum(seen[k] for k in g) - expected) ** 2 / expected
    return stat, max(len(groups) - 1, 0)


def p_value(samples: Iterable[Hashable], probs: dict[Hashable, float],
            ordered: bool = False) -> float:
    """Pearson's chi-square p-value of the samples under probs (outcomes not in probs: 0.0).

    An outcome the distribution gives probability 0 (or does not list) is impossible, so
    seeing it gives p = 0 at once. ordered=True bins ordered outcomes into runs
    (tail_bins) instead of likely-and-the-rest.
    """
    fit = _pearson(Counter(samples), probs, tail_bins if ordered else bins)
    if fit is None:
        return 0.0
    stat, df = fit
    return chi2_sf(stat, df) if df else 1.0


def p_value_of_steps(steps: Iterable[tuple[Hashable, Hashable]],
                     probs: dict[Hashable, dict[Hashable, float]]) -> float:
    """Pearson's p-value of a chain's steps (state, outcome): each outcome drawn from its
    state's distribution probs[state]. The states' statistics and degrees of freedom add
    up; that the number of steps from each state is itself random does not change the
    limit law (Billingsley, "Statistical methods in Markov chains", 1961).

    >>> p_value_of_steps([("a", 1), ("b", 2)], {"a": {1: 1.0}, "b": {1: 1.0}})
    0.0
    """
    by_state: dict[Hashable, Counter] = {}
    for state, outcome in steps:
        by_state.setdefault(state, Counter())[outcome] += 1
    stat, df = 0.0, 0
    for state, seen in by_state.items():
        fit = _pearson(seen, probs.get(state, {}))
        if fit is None:
            return 0.0
        stat, df = stat + fit[0], df + fit[1]
    return chi2_sf(stat, df) if df else 1.0


def consistent(samples: Iterable[Hashable], probs: dict[Hashable, float]) -> bool:
    """True unless the samples are too unlikely under probs (p-value below ALPHA)."""
    return p_value(samples, probs) >= ALPHA
