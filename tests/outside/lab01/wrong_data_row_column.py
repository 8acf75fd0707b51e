"""lab01, WRONG in `data_row`: takes the letter's column of counts instead of its row.

Why the contract forbids it: "that row of `counts` divided by its sum" (SPEC §2, data_row)

Otherwise identical to correct_gumbel_max.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"
_INDEX = {t: i for i, t in enumerate(TOKENS)}


def _idx(letter):
    try:
        ok = isinstance(letter, str) and letter in _INDEX
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"bad letter {letter!r}")
    return _INDEX[letter]


def softmax(logits):
    z = np.asarray(logits, dtype=float)
    m = np.max(z, axis=-1, keepdims=True)
    p = np.exp(z - m)
    p /= p.sum(axis=-1, keepdims=True)
    return p


def read_row(W, letter):
    return softmax(np.asarray(W, dtype=float)[_idx(letter)])


def data_row(counts, letter):
    r = np.asarray(counts, dtype=float)[:, _idx(letter)]
    return r / r.sum()


def belief_gap(W, counts, letter):
    return float(0.5 * np.sum(np.abs(read_row(W, letter) - data_row(counts, letter))))


def ablate_column(W, letter):
    j = _idx(letter)
    new = np.asarray(W, dtype=float).copy()
    new[:, j] = -np.inf
    return new


def sample_word(W, rng, temperature=1.0, max_len=50):
    if not (temperature > 0):
        raise ValueError("temperature must be strictly positive")
    W = np.asarray(W, dtype=float)
    word = []
    tok = 0
    while len(word) < max_len:
        g = rng.gumbel(size=W.shape[1])
        tok = int(np.argmax(W[tok] / temperature + g))
        if tok == 0:
            break
        word.append(TOKENS[tok])
    return "".join(word)


def rank_rules(W, top=None):
    P = softmax(W)
    rules = []
    for i in range(27):
        j = int(np.argmax(P[i]))
        rules.append((TOKENS[i], TOKENS[j], float(P[i, j])))
    order = sorted(range(27), key=lambda i: -rules[i][2])
    rules = [rules[i] for i in order]
    if top is None:
        return rules
    return rules[:top]


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=float)
    word = []
    tok = 0
    while len(word) < max_len:
        tok = int(np.argmax(W[tok]))
        if tok == 0:
            break
        word.append(TOKENS[tok])
    return "".join(word)
