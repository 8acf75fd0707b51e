import math
import numpy as np
from mindlab_core.tokens import TOKENS, index

def softmax(logits):
    x = np.array(logits, dtype=np.float64)
    m = x.max(axis=-1, keepdims=True)
    lse = m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True))
    return np.exp(x - lse)


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
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    chars = []
    ix = 0
    for _ in range(max_len):
        logits = np.asarray(W[ix], dtype=float) / temperature
        ix = int(np.argmax(logits + rng.gumbel(size=logits.shape)))
        if ix == 0:
            break
        chars.append(TOKENS[ix])
    return "".join(chars)


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
