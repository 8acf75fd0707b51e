"""A5 (verdict change for a CORRECT file): an inverse-CDF sampler (a design the contract
names as valid) that builds the CDF in place in the array softmax returned to it:
np.cumsum(p, out=p). With its own softmax every call returns a fresh array, and it draws
exactly what rng.choice(27, p=...) draws. Its inputs are never written. Expected 30/30.
"""
# Correct lab01 solution (a compact copy of solutions/lab01.py)
import numpy as np
from mindlab_core.tokens import TOKENS, index


def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def read_row(W, letter):
    return softmax(np.asarray(W)[index(letter)])


def data_row(counts, letter):
    row = np.asarray(counts, dtype=np.float64)[index(letter)]
    return row / row.sum()


def belief_gap(W, counts, letter):
    belief = read_row(W, letter)
    data = data_row(counts, letter)
    return float(0.5 * np.abs(belief - data).sum())


def ablate_column(W, letter):
    ablated = np.array(W, dtype=np.float64)
    ablated[:, index(letter)] = -np.inf
    return ablated


def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    W = np.asarray(W, dtype=np.float64)
    letters = []
    token = index(".")
    while len(letters) < max_len:
        token = int(rng.choice(len(TOKENS), p=softmax(W[token] / temperature)))
        if token == index("."):
            break
        letters.append(TOKENS[token])
    return "".join(letters)


def rank_rules(W, top=None):
    probs = softmax(np.asarray(W, dtype=np.float64))
    best = probs.argmax(axis=1)
    rules = [(TOKENS[i], TOKENS[int(j)], float(probs[i, j])) for i, j in enumerate(best)]
    rules.sort(key=lambda rule: -rule[2])
    return rules if top is None else rules[:top]


def greedy_decode(W, max_len=50):
    probs = softmax(np.asarray(W, dtype=np.float64))
    letters = []
    token = index(".")
    while len(letters) < max_len:
        token = int(probs[token].argmax())
        if token == index("."):
            break
        letters.append(TOKENS[token])
    return "".join(letters)


def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    W = np.asarray(W, dtype=np.float64)
    letters, token = [], 0
    while len(letters) < max_len:
        cdf = softmax(W[token] / temperature)     # a fresh array of my own ...
        np.cumsum(cdf, out=cdf)                   # ... so I build the CDF in place
        cdf /= cdf[-1]
        token = int(cdf.searchsorted(rng.random(), side="right"))
        if token == 0:
            break
        letters.append(TOKENS[token])
    return "".join(letters)
