"""lab01, WRONG in `softmax`: divides by e.sum(axis=-1) without keepdims: right for 1-D, but for 2-D the (n,) sums broadcast along columns (square input: column j divided by row j's sum; n != 27 crashes).

Why the contract forbids it: "probabilities along the last axis, for 1-D and 2-D input." (SPEC §2, softmax)

Otherwise identical to correct_makemore.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"
stoi = {s: i for i, s in enumerate(TOKENS)}
itos = {i: s for s, i in stoi.items()}


def _ix(letter):
    if not isinstance(letter, str) or letter not in stoi:
        raise ValueError(f"not a token: {letter!r}")
    return stoi[letter]


def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1)


def read_row(W, letter):
    return softmax(np.asarray(W, dtype=np.float64)[_ix(letter)])


def data_row(counts, letter):
    row = np.asarray(counts)[_ix(letter)].astype(np.float64)
    return row / row.sum()


def belief_gap(W, counts, letter):
    ix = _ix(letter)
    return float(0.5 * np.abs(read_row(W, letter) - data_row(counts, letter)).sum())


def ablate_column(W, letter):
    ix = _ix(letter)
    out = np.array(W, dtype=np.float64, copy=True)
    out[:, ix] = -np.inf
    return out


def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    out = []
    ix = 0
    while len(out) < max_len:
        p = softmax(W[ix] / temperature)
        ix = int(rng.choice(27, p=p))
        if ix == 0:
            break
        out.append(itos[ix])
    return "".join(out)


def rank_rules(W, top=None):
    P = softmax(np.asarray(W, dtype=np.float64))
    rules = []
    for i in range(27):
        j = int(P[i].argmax())
        rules.append((itos[i], itos[j], float(P[i, j])))
    rules.sort(key=lambda r: -r[2])
    return rules if top is None else rules[:top]


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    out = []
    ix = 0
    while len(out) < max_len:
        ix = int(W[ix].argmax())
        if ix == 0:
            break
        out.append(itos[ix])
    return "".join(out)
