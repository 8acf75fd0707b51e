import math
import numpy as np
from mindlab_core.tokens import TOKENS, index

def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    z = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def read_row(W, letter):
    return softmax(W[index(letter)])


def data_row(counts, letter):
    row = counts[index(letter)].astype(np.float64)
    return row / row.sum()


def belief_gap(W, counts, letter):
    return float(0.5 * np.abs(read_row(W, letter) - data_row(counts, letter)).sum())


def ablate_column(W, letter):
    j = index(letter)
    out = np.array(W, dtype=np.float64, copy=True)
    out[:, j] = -np.inf
    return out


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    out = ""
    ix = 0
    while len(out) < max_len:
        p = softmax(W[ix] / temperature)
        cdf = np.cumsum(p)
        ix = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))
        ix = min(ix, 26)
        while p[ix] == 0:
            ix -= 1
        if ix == 0:
            break
        out += TOKENS[ix]
    return out


def rank_rules(W, top=None):
    P = softmax(np.asarray(W, dtype=float))
    best = P.argmax(axis=1)
    probs = P[np.arange(27), best]
    order = np.lexsort((np.arange(27), -probs))
    rules = [(str(TOKENS[i]), str(TOKENS[best[i]]), float(probs[i])) for i in order]
    if top is not None:
        rules = rules[:top]
    return rules


def greedy_decode(W, max_len=50):
    seq = []
    ix = 0
    while True:
        if len(seq) >= max_len:
            break
        ix = int(W[ix].argmax())
        if ix == 0:
            break
        seq.append(ix)
    return "".join(TOKENS[i] for i in seq)
