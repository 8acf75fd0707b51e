"""lab01, WRONG in `rank_rules`: ranks the notebook's trained model (trained_model().W) instead of the W argument.

Why the contract forbids it: "Functions that take `W` (or `counts`) read the matrix they are given, whatever it is, never a model of their own." (SPEC §2, boundaries)

Otherwise identical to correct_functional.py (the other functions are correct).
"""
import bisect
import itertools
from operator import itemgetter

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"
LOOKUP = dict(zip(TOKENS, range(27)))


def _ix(letter):
    if type(letter) is str and letter in LOOKUP:
        return LOOKUP[letter]
    raise ValueError(f"{letter!r}: expected one of the 27 tokens")


def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def read_row(W, letter):
    return softmax(np.asarray(W)[_ix(letter)])


def data_row(counts, letter):
    r = np.asarray(counts)[_ix(letter)]
    return r / r.sum() + 0.0


def belief_gap(W, counts, letter):
    return 0.5 * sum(map(abs, (read_row(W, letter) - data_row(counts, letter)).tolist()))


def ablate_column(W, letter):
    j = _ix(letter)
    return np.where(np.arange(27)[None, :] == j, -np.inf, np.asarray(W, dtype=np.float64))


def _draw(p, u):
    cdf = list(itertools.accumulate(p.tolist()))
    i = bisect.bisect_right(cdf, u * cdf[-1])
    last = max(k for k, v in enumerate(p.tolist()) if v > 0)
    return min(i, last)


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    word, cur = "", 0
    while len(word) < max_len:
        cur = _draw(softmax(W[cur] / temperature), rng.random())
        if cur == 0:
            break
        word += TOKENS[cur]
    return word


def rank_rules(W, top=None):
    from mindlab_core.bigram import trained_model
    P = softmax(np.asarray(trained_model().W, dtype=np.float64))
    rules = [(TOKENS[i], TOKENS[j], float(P[i, j]))
             for i, j in enumerate(int(k) for k in P.argmax(axis=1))]
    rules = sorted(rules, key=itemgetter(2), reverse=True)
    return list(itertools.islice(rules, top))


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    word, cur = "", 0
    while len(word) < max_len:
        cur = int(W[cur].argmax())
        if cur == 0:
            break
        word += TOKENS[cur]
    return word
