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
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    word = []
    ix = 0
    while len(word) < max_len:
        p = softmax(W[ix] / temperature)
        ix = int(rng.choice(27, p=p))
        if ix == 0:
            break
        word.append(TOKENS[ix])
    return "".join(word)


def rank_rules(W, top=None):
    P = softmax(W)
    rules = []
    for i in range(27):
        j = int(np.argmax(P[i]))
        rules.append((TOKENS[i], TOKENS[j], float(P[i, j])))
    rules.sort(key=lambda r: -r[2])
    if top is not None:
        rules = rules[:top]
    return rules


def greedy_decode(W, max_len=50):
    out = ""
    ix = 0
    for _ in range(max_len):
        ix = int(np.argmax(W[ix]))
        if ix == 0:
            break
        out += TOKENS[ix]
    return out
