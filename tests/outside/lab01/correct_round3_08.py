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
    P = softmax(np.asarray(W, dtype=float) / temperature)
    word = []
    ix = 0
    while len(word) < max_len:
        ix = rng.choice(len(P[ix]), p=P[ix])
        if ix == 0:
            break
        word.append(TOKENS[ix])
    return "".join(word)


def rank_rules(W, top=None):
    rows = []
    for i, ch in enumerate(TOKENS):
        p = read_row(W, ch)
        j = int(p.argmax())
        rows.append((i, ch, TOKENS[j], float(p[j])))
    rows.sort(key=lambda t: (-t[3], t[0]))
    rules = [(a, b, p) for _, a, b, p in rows]
    if top is None:
        top = len(rules)
    return rules[:top]


def greedy_decode(W, max_len=50):
    word = ""
    ix = 0
    while len(word) < max_len:
        nxt = int(np.flatnonzero(W[ix] == W[ix].max())[0])
        if nxt == 0:
            break
        word += TOKENS[nxt]
        ix = nxt
    return word
