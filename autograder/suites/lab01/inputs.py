"""Inputs for lab 01 checks: the trained model and small hand-built matrices that corner mistakes.

Every function returns a fresh, writable array, so a learner's function that writes into
its input can never spoil the next check (the trained model itself is read-only).
No reference answers here: public suites use this module too.

>>> W = path_W("ab")          # . -> a -> b -> .  is the only possible walk
>>> [TOKENS[int(j)] for j in W[[0, 1, 2]].argmax(axis=1)]
['a', 'b', '.']
"""

from __future__ import annotations

import numpy as np

from mindlab_core.bigram import trained_model
from mindlab_core.tokens import BOUNDARY, TOKENS, VOCAB, index


def trained_W() -> np.ndarray:
    """(27, 27) logits of the lab's trained model (a writable copy)."""
    return np.array(trained_model().W, dtype=np.float64)


def trained_counts() -> np.ndarray:
    """(27, 27) int64 bigram counts of the shipped names (a writable copy)."""
    return np.array(trained_model().counts, dtype=np.int64)


def random_W(seed: int, scale: float = 3.0, shape: tuple[int, ...] = (VOCAB, VOCAB)) -> np.ndarray:
    """Gaussian logits: no ties, nothing special about any row."""
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


def random_counts(seed: int, high: int = 40) -> np.ndarray:
    """(27, 27) int64 counts with zeros in places, every row sum > 0."""
    counts = np.random.default_rng(seed).integers(0, high, size=(VOCAB, VOCAB))
    counts[:, 1] += 1  # every row sum > 0
    return counts.astype(np.int64)


def huge_W(seed: int) -> np.ndarray:
    """(27, 27) logits of size up to 1e4, some -inf, every row with a finite maximum.

    Naive exp() overflows here: a stable softmax is the only way to get it right.
    """
    rng = np.random.default_rng(seed)
    W = rng.uniform(-1e4, 1e4, size=(VOCAB, VOCAB))
    W[rng.random((VOCAB, VOCAB)) < 0.2] = -np.inf
    W[np.arange(VOCAB), rng.integers(0, VOCAB, VOCAB)] = 1e4  # a finite maximum in every row
    return W


def end_ablated(W: np.ndarray) -> np.ndarray:
    """A copy of W whose `.` column is -inf: words can never end on their own."""
    W = np.array(W, dtype=np.float64)
    W[:, BOUNDARY] = -np.inf
    return W


def ends_sooner(W: np.ndarray, shift: float = 2.0) -> np.ndarray:
    """A copy of W whose letters end a word e**shift times more readily: short words.

    Only the letter rows' `.` column moves, so the first letter's belief (row `.`) and
    the order of the other next letters in every row stay the model's own.
    """
    W = np.array(W, dtype=np.float64)
    W[1:, BOUNDARY] += shift
    return W


def path_W(word: str, low: float = -np.inf) -> np.ndarray:
    """Logits whose only walk from `.` spells `word` then `.` (letters of `word` distinct).

    Steps on the path get logit 0, every other entry of a path row gets `low` (-inf for
    an exactly deterministic model, or e.g. -60 for a finite one). Rows off the path
    are all 0 (uniform), so every row has a finite entry.
    """
    tokens = [BOUNDARY] + [index(ch) for ch in word] + [BOUNDARY]
    if len(set(tokens[1:-1])) != len(word):
        raise ValueError(f"path_W needs distinct letters, got {word!r}")
    W = np.zeros((VOCAB, VOCAB))
    for here, after in zip(tokens[:-1], tokens[1:]):
        W[here] = low
        W[here, after] = 0.0
    return W


def cycle_W(cycle: str = "ab") -> np.ndarray:
    """Logits whose greedy walk is . -> cycle[0] -> cycle[1] -> ... -> cycle[0] -> ... forever.

    The favourite is clear but not certain (logit 5 against 0), so sampling can still
    wander; `.` is never the favourite, so only a max_len cap stops a greedy walk.
    """
    W = np.zeros((VOCAB, VOCAB))
    tokens = [index(ch) for ch in cycle]
    W[BOUNDARY, tokens[0]] = 5.0
    for here, after in zip(tokens, tokens[1:] + tokens[:1]):
        W[here, after] = 5.0
    return W


def one_letter_W(first: dict[str, float]) -> np.ndarray:
    """Logits of a model whose words are exactly one letter long.

    Row `.` holds the given logits for the first letter (-inf for all others, `.`
    included, so a word is never empty); every letter row ends the word for sure.
    The word's distribution is then softmax(W[0] / temperature) itself.
    """
    W = np.full((VOCAB, VOCAB), -np.inf)
    W[1:, BOUNDARY] = 0.0
    for letter, logit in first.items():
        W[BOUNDARY, index(letter)] = logit
    return W


_LETTERS = frozenset(TOKENS[1:])


def letters_only(word: str) -> bool:
    """True when every character of word is one of a..z (no `.`, no capitals)."""
    return set(word) <= _LETTERS


def two_letter_W(first: dict[str, float], second: dict[str, float]) -> np.ndarray:
    """Logits of a model whose words are exactly two letters long, drawn independently.

    Row `.` holds `first`'s logits for the first letter, every row of those letters holds
    `second`'s logits for the second letter (-inf elsewhere), and every second letter
    ends the word for sure. So the first letter follows softmax(first / temperature) and
    the second softmax(second / temperature): a temperature applied to one draw only shows.
    The letters of `first` and `second` must be distinct.
    """
    if set(first) & set(second):
        raise ValueError("two_letter_W needs distinct first and second letters")
    W = np.full((VOCAB, VOCAB), -np.inf)
    W[1:, BOUNDARY] = 0.0  # rows off the model: end at once
    for letter, logit in first.items():
        W[BOUNDARY, index(letter)] = logit
    for letter in first:
        W[index(letter)] = -np.inf
        for nxt, logit in second.items():
            W[index(letter), index(nxt)] = logit
    return W


def empty_likely(W: np.ndarray, p_empty: float) -> np.ndarray:
    """A copy of W whose first token is `.` (an empty word) with probability p_empty.

    Only W[0, 0] moves, so the first letters keep their order and their ratios.
    """
    W = np.array(W, dtype=np.float64)
    others = np.exp(W[BOUNDARY, 1:] - W[BOUNDARY, 1:].max()).sum()
    W[BOUNDARY, BOUNDARY] = W[BOUNDARY, 1:].max() + np.log(p_empty / (1 - p_empty) * others)
    return W


def chain_W(rows: dict[str, dict[str, float]]) -> np.ndarray:
    """Logits of a model that walks among a few letters: rows[here] gives the logits of what
    may follow `here` ('.' to end the word), -inf for the rest.

    Rows not in `rows` end the word for sure, so a walk that strays to another letter's row
    writes a word no right sampler writes.

    >>> W = chain_W({".": {"a": 0.0}, "a": {"a": 1.0, ".": 0.0}})   # . -> a, then a or end
    >>> [TOKENS[int(j)] for j in np.flatnonzero(np.isfinite(W[index("a")]))]
    ['.', 'a']
    """
    W = np.full((VOCAB, VOCAB), -np.inf)
    W[1:, BOUNDARY] = 0.0  # rows off the model: end at once
    for here, logits in rows.items():
        W[index(here)] = -np.inf
        for after, logit in logits.items():
            W[index(here), index(after)] = logit
    return W
