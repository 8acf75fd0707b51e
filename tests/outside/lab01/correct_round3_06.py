import math
import numpy as np
from mindlab_core.tokens import TOKENS, index

def softmax(logits):
    x = np.asarray(logits, dtype=float)
    shifted = x - x.max(axis=-1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=-1, keepdims=True)
    return p


def read_row(W, letter):
    return softmax(W[index(letter)])


def data_row(counts, letter):
    row = np.asarray(counts)[index(letter)]
    return row / np.sum(row, dtype=np.float64)


def belief_gap(W, counts, letter):
    return float(0.5 * np.abs(read_row(W, letter) - data_row(counts, letter)).sum())


def ablate_column(W, letter):
    mask = np.arange(27) == index(letter)
    return np.where(mask[None, :], -np.inf, np.asarray(W, dtype=float))


def sample_word(W, rng, temperature=1.0, max_len=50):
    if not (temperature > 0):
        raise ValueError("temperature must be > 0")
    s = ""
    ix = 0
    while len(s) < max_len:
        u = rng.random(27)
        g = -np.log(-np.log(u))
        ix = int(np.argmax(W[ix] / temperature + g))
        if ix == 0:
            break
        s += TOKENS[ix]
    return s


def rank_rules(W, top=None):
    P = softmax(W)
    nxt = np.argmax(P, axis=-1)
    p = np.take_along_axis(P, nxt[:, None], axis=-1)[:, 0]
    order = np.argsort(-p, kind="stable")
    rules = [(TOKENS[int(i)], TOKENS[int(nxt[i])], float(p[i])) for i in order]
    return rules[:top] if top is not None else rules


def greedy_decode(W, max_len=50):
    out = ""
    ix = 0
    for _ in range(max_len):
        ix = int(np.argmax(W[ix]))
        if ix == 0:
            break
        out += TOKENS[ix]
    return out
