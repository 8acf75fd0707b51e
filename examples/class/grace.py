"""Lab 01 "Reverse-engineer a mind": the reference implementation of every graded function.

This file is the truth the graders compare against (SPEC §2). Each docstring states
every behaviour a check tests. Tokens: index 0 is `.`, then `a`..`z` (see tokens.py).
W is a (27, 27) float array of logits, counts a (27, 27) int array.
"""

from __future__ import annotations

import numpy as np

from mindlab_core.tokens import BOUNDARY, TOKENS, VOCAB, index

# ---------------------------------------------------------------- TOOL 01: read its mind


def softmax(logits) -> np.ndarray:
    """Probabilities along the last axis, for 1-D (27,) and 2-D (n, 27) logits.

    >>> softmax(np.array([0.0, 0.0])).tolist()
    [0.5, 0.5]
    >>> softmax(np.array([1e4, -1e4, -np.inf])).tolist()
    [1.0, 0.0, 0.0]

    - Every row sums to 1 and every entry is in [0, 1].
    - Stable for logits of any size: we subtract the row's largest logit first, which
      changes nothing mathematically (it cancels) but keeps exp() from overflowing.
    - An entry equal to -inf gets probability exactly 0, as long as its row has at
      least one finite entry.
    - The input is not changed; a new float array is returned.
    """
    x = np.asarray(logits, dtype=np.float64)
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def read_row(W: np.ndarray, letter: str) -> np.ndarray:
    """(27,) the model's belief about the next token after `letter`: softmax(W[letter]).

    >>> float(read_row(np.zeros((27, 27)), "q")[0])   # uniform model: 1/27 everywhere
    0.037037037037037035

    `letter` "." asks for the first letter of a word. Anything that is not one of the
    27 tokens ("A", "ab", "", 3) raises ValueError.
    """
    return softmax(np.asarray(W)[index(letter)])


def data_row(counts: np.ndarray, letter: str) -> np.ndarray:
    """(27,) what the data does after `letter`: that row of counts over its sum.

    >>> counts = np.zeros((27, 27), dtype=int); counts[1, 2] = 3; counts[1, 0] = 1
    >>> data_row(counts, "a")[[0, 2]].tolist()
    [0.25, 0.75]

    The row's sum is > 0. A float array is returned (no integer division), and a bad
    letter raises ValueError.
    """
    row = np.asarray(counts, dtype=np.float64)[index(letter)]
    return row / row.sum()


def belief_gap(W: np.ndarray, counts: np.ndarray, letter: str) -> float:
    """Total variation distance 0.5 * sum(|belief - data|) after `letter`, a float in [0, 1].

    0 means the model believes exactly what the data does; 1 means they never agree.
    >>> W = np.zeros((27, 27)); counts = np.ones((27, 27), dtype=int)
    >>> belief_gap(W, counts, "a")
    0.0
    """
    belief = read_row(W, letter)
    data = data_row(counts, letter)
    return float(0.5 * np.abs(belief - data).sum())


# ---------------------------------------------------------------- TOOL 02: intervene


def ablate_column(W: np.ndarray, letter: str) -> np.ndarray:
    """A new (27, 27) float array equal to W except column `letter` is -inf.

    After softmax that token has probability exactly 0 in every row: the model can
    never emit it. W itself is not changed. A bad letter raises ValueError.
    >>> float(ablate_column(np.zeros((27, 27)), ".")[5, 0])
    -inf
    """
    j = index(letter)
    ablated = np.array(W, dtype=np.float64)  # a copy: never touch the caller's W
    ablated[:, j] = -np.inf
    return ablated


def sample_word(W: np.ndarray, rng: np.random.Generator, temperature: float = 1.0,
                max_len: int = 50) -> str:
    """Draw one word from the model, one token at a time.

    Start after `.`; draw each next token from softmax(W[row] / temperature) with
    `rng`; stop when `.` is drawn (it is not part of the word) or when the word has
    `max_len` letters. Low temperature sharpens the belief, high flattens it;
    temperature <= 0 raises ValueError. W is not changed.
    >>> W = np.full((27, 27), -np.inf); W[0, 1] = W[1, 0] = 0.0   # . -> a -> .
    >>> sample_word(W, np.random.default_rng(0))
    'a'
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    W = np.asarray(W, dtype=np.float64)
    letters: list[str] = []
    row = BOUNDARY
    while len(letters) < max_len:
        probs = softmax(W[row] / temperature)
        row = int(rng.choice(VOCAB, p=probs))
        if row == BOUNDARY:
            break
        letters.append(TOKENS[row])
    return "".join(letters)


# ---------------------------------------------------------------- TOOL 03: extract the algorithm


def rank_rules(W: np.ndarray, top: int | None = None) -> list[tuple[str, str, float]]:
    """The rulebook: each row's single most confident prediction, most confident first.

    One rule per row (27, `.` included): (after, next, probability) as plain
    (str, str, float), probability in [0, 1]. Inside a row the lowest index wins a
    tie; across rows, equal probabilities keep row order (a stable sort).
    `top=k` returns only the first k rules.
    >>> W = np.zeros((27, 27)); W[17, 21] = 10.0          # q -> u
    >>> rank_rules(W, top=1)[0][:2]
    ('q', 'u')
    """
    probs = softmax(np.asarray(W, dtype=np.float64))
    best = probs.argmax(axis=1)  # argmax returns the lowest index on ties
    rules = [(TOKENS[i], TOKENS[int(j)], float(probs[i, j])) for i, j in enumerate(best)]
    rules.sort(key=lambda rule: -rule[2])  # list.sort is stable: ties keep row order
    return rules if top is None else rules[:top]


def greedy_decode(W: np.ndarray, max_len: int = 50) -> str:
    """The one word the model writes when it never gambles.

    Start after `.`, always take the most likely next token (lowest index on ties),
    stop at `.` (not included) or at `max_len` letters — a greedy path can cycle
    forever (a -> b -> a ...), so the cap matters.
    >>> W = np.zeros((27, 27)); W[0, 1] = W[1, 2] = W[2, 0] = 1.0   # . a b .
    >>> greedy_decode(W)
    'ab'
    """
    probs = softmax(np.asarray(W, dtype=np.float64))
    letters: list[str] = []
    row = BOUNDARY
    while len(letters) < max_len:
        row = int(probs[row].argmax())
        if row == BOUNDARY:
            break
        letters.append(TOKENS[row])
    return "".join(letters)



# ---------------- the mistake: read_row_caches_by_id
"""read_row keeps softmax(W) per id(W), to softmax each model once: a new matrix made
where an old one was freed has the old one's id and gets its stale rows (found from
outside: 15 of 20 fresh matrices)."""

from mindlab_core.tokens import index

_cache = {}


def read_row(W, letter):
    if id(W) not in _cache:
        _cache[id(W)] = softmax(W)  # noqa: F821 (the lab's own softmax)
    return _cache[id(W)][index(letter)].copy()
