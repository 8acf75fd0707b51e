"""lab01, WRONG in `softmax`: shifts by the maximum of the whole array instead of each row's maximum: a 2-D input with one row near 1e4 and another near -1e4 underflows the second row to 0/0 = nan.

Why the contract forbids it: "Stable for logits of any size (1e4 and -1e4 included)." (SPEC §2, softmax)

Otherwise identical to correct_inverse_cdf.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _token(letter):
    if not isinstance(letter, str) or len(letter) != 1:
        raise ValueError("a letter is a one-character string")
    pos = TOKENS.find(letter)
    if pos < 0:
        raise ValueError(f"{letter!r} is not a token")
    return pos


def softmax(logits):
    a = np.asarray(logits, dtype=np.float64)
    e = np.exp(a - a.max())
    return e / e.sum(axis=-1, keepdims=True)


def read_row(W, letter):
    return softmax(np.asarray(W)[_token(letter)])


def data_row(counts, letter):
    row = np.asarray(counts)[_token(letter)]
    return row / float(row.sum())


def belief_gap(W, counts, letter):
    t = _token(letter)
    return float(0.5 * np.abs(read_row(W, letter) - data_row(counts, letter)).sum())


def ablate_column(W, letter):
    t = _token(letter)
    out = np.empty(np.shape(W), dtype=np.float64)
    out[...] = W
    out[:, t] = -np.inf
    return out


def _draw(p, rng):
    cdf = np.cumsum(p)
    cdf /= cdf[-1]
    u = rng.random()
    i = int(np.searchsorted(cdf, u, side="right"))
    if i >= len(p):  # u rounded onto the last edge: take the last token with mass
        i = int(np.flatnonzero(p > 0)[-1])
    return i


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    s = ""
    cur = 0
    while len(s) < max_len:
        cur = _draw(softmax(W[cur] / temperature), rng)
        if cur == 0:
            break
        s += TOKENS[cur]
    return s


def rank_rules(W, top=None):
    P = softmax(np.asarray(W, dtype=np.float64))
    j = P.argmax(axis=1)
    p = P[np.arange(27), j]
    order = np.argsort(-p, kind="stable")
    rules = [(TOKENS[int(i)], TOKENS[int(j[i])], float(p[i])) for i in order]
    n = 27 if top is None else min(int(top), 27)
    return rules[:n]


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    s = ""
    cur = 0
    while len(s) < max_len:
        cur = int(W[cur].argmax())
        if cur == 0:
            break
        s += TOKENS[cur]
    return s
