"""Lab 01 inputs for the oracle: (27, 27) logit matrices of every kind SPEC §2 names, and counts.

>>> W = matrix("cyclic", 0)
>>> W.shape, bool(np.isfinite(W.max(axis=1)).all())
((27, 27), True)
"""

from __future__ import annotations

import functools

import numpy as np
from hypothesis import strategies as st

from mindlab_core.tokens import TOKENS, VOCAB

from .core import seeds

BAD_LETTERS = (" a", "a\n", "A", "ab", "", 3, None, "..", "é", b"a", 1.0)


@functools.cache
def _trained() -> tuple[np.ndarray, np.ndarray]:
    from mindlab_core.bigram import trained_model

    model = trained_model()
    return np.array(model.W, dtype=np.float64), np.array(model.counts, dtype=np.int64)


def trained_W() -> np.ndarray:
    """A writable copy of the trained model's logits."""
    return _trained()[0].copy()


def trained_counts() -> np.ndarray:
    """A writable copy of the trained model's counts."""
    return _trained()[1].copy()


def _keep_finite(W: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    rows = np.flatnonzero(~np.isfinite(W).any(axis=1))
    W[rows, rng.integers(0, VOCAB, len(rows))] = 0.0
    return W


def _random(rng: np.random.Generator) -> np.ndarray:
    return rng.normal(0.0, 3.0, (VOCAB, VOCAB))


def _huge(rng: np.random.Generator) -> np.ndarray:
    W = rng.choice([-1e4, 0.0, 1e4], (VOCAB, VOCAB)) + rng.normal(0.0, 2.0, (VOCAB, VOCAB))
    W[rng.random((VOCAB, VOCAB)) < 0.2] = -np.inf
    return _keep_finite(W, rng)


def _enormous(rng: np.random.Generator) -> np.ndarray:
    return rng.normal(0.0, 1.0, (VOCAB, VOCAB)) * 1e300


def _offset_rows(rng: np.random.Generator) -> np.ndarray:
    """Each row far from the others (+-1e4 apart): a whole-array max shift underflows."""
    return rng.normal(0.0, 2.0, (VOCAB, VOCAB)) + rng.integers(-3, 4, (VOCAB, 1)) * 1e4


def _ties(rng: np.random.Generator) -> np.ndarray:
    return rng.integers(-2, 3, (VOCAB, VOCAB)).astype(np.float64)


def _neg_inf(rng: np.random.Generator) -> np.ndarray:
    W = rng.normal(0.0, 3.0, (VOCAB, VOCAB))
    W[rng.random((VOCAB, VOCAB)) < 0.4] = -np.inf
    return _keep_finite(W, rng)


def _cyclic(rng: np.random.Generator) -> np.ndarray:
    """A strong cycle through a few letters that never returns to '.'."""
    W = rng.normal(0.0, 1.0, (VOCAB, VOCAB))
    cycle = rng.permutation(np.arange(1, VOCAB))[: rng.integers(2, 6)]
    W[0, cycle[0]] = 20.0
    for a, b in zip(cycle, np.roll(cycle, -1)):
        W[a, b] = 20.0
    return W


def _dot_certain(rng: np.random.Generator) -> np.ndarray:
    W = rng.normal(0.0, 3.0, (VOCAB, VOCAB))
    W[0, 1:] = -np.inf
    return W


def _dot_likely(rng: np.random.Generator) -> np.ndarray:
    W = rng.normal(0.0, 1.0, (VOCAB, VOCAB))
    W[0, 0] = W[0].max() + 3.0
    return W


def _duplicate_rows(rng: np.random.Generator) -> np.ndarray:
    """Rows copied from three base rows: exact ties across rows (stable-sort order)."""
    base = rng.integers(-2, 3, (3, VOCAB)).astype(np.float64)
    return base[rng.integers(0, 3, VOCAB)]


def _zeros(rng: np.random.Generator) -> np.ndarray:
    return np.zeros((VOCAB, VOCAB))


def _trained_kind(rng: np.random.Generator) -> np.ndarray:
    return trained_W()


KINDS = {
    "random": _random, "huge": _huge, "enormous": _enormous, "offset_rows": _offset_rows,
    "ties": _ties, "neg_inf": _neg_inf, "cyclic": _cyclic, "dot_certain": _dot_certain,
    "dot_likely": _dot_likely, "duplicate_rows": _duplicate_rows, "zeros": _zeros,
    "trained": _trained_kind,
}


def matrix(kind: str, seed: int) -> np.ndarray:
    """A fresh writable (27, 27) float64 W of one kind; every row has a finite entry."""
    return np.array(KINDS[kind](np.random.default_rng(seed)), dtype=np.float64)


def matrices(kinds: tuple[str, ...] = tuple(KINDS)) -> st.SearchStrategy[np.ndarray]:
    """Hypothesis strategy of matrix(kind, seed)."""
    return st.builds(matrix, st.sampled_from(kinds), seeds())


def counts(seed: int) -> np.ndarray:
    """(27, 27) int64 counts, zeros in places, every row sum > 0 (row 0 = the trained one if 0)."""
    if seed == 0:
        return trained_counts()
    rng = np.random.default_rng(seed)
    c = rng.integers(0, 40, (VOCAB, VOCAB)) * (rng.random((VOCAB, VOCAB)) < 0.6)
    c[np.arange(VOCAB), rng.integers(0, VOCAB, VOCAB)] += 1
    return c.astype(np.int64)


def path_W(word: str) -> np.ndarray:
    """Logits whose only possible walk is . word . (-inf everywhere else)."""
    W = np.full((VOCAB, VOCAB), -np.inf)
    W[:, 0] = 0.0
    ids = [0] + [TOKENS.index(c) for c in word] + [0]
    for a, b in zip(ids, ids[1:]):
        W[a] = -np.inf
        W[a, b] = 0.0
    return W
