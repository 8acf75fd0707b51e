"""lab01, WRONG in `rank_rules`: in-row argmax with `>=`: the highest index wins a tie inside a row.

Why the contract forbids it: "sorted by probability, highest first; equal probabilities keep row order; lowest index wins a tie inside a row." (SPEC §2, rank_rules)

Otherwise identical to correct_linear_scan.py (the other functions are correct).
"""
import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _check(letter):
    if isinstance(letter, str) and len(letter) == 1 and letter in TOKENS:
        return TOKENS.index(letter)
    raise ValueError(f"expected one of {TOKENS!r}, got {letter!r}")


def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    mx = np.max(x, axis=-1, keepdims=True)
    ex = np.exp(x - mx)
    return ex / np.sum(ex, axis=-1, keepdims=True)


def read_row(W, letter):
    k = _check(letter)
    return softmax(np.asarray(W)[k])


def data_row(counts, letter):
    k = _check(letter)
    row = np.asarray(counts)[k].astype(np.float64)
    return row / row.sum()


def belief_gap(W, counts, letter):
    p = read_row(W, letter)
    q = data_row(counts, letter)
    total = 0.0
    for a, b in zip(p, q):
        total += abs(float(a) - float(b))
    return 0.5 * total


def ablate_column(W, letter):
    k = _check(letter)
    V = np.copy(np.asarray(W, dtype=np.float64))
    V[:, k] = -np.inf
    return V


def _scan(p, u):
    acc = 0.0
    last = 0
    for i, pi in enumerate(p):
        if pi <= 0.0:
            continue
        last = i
        acc += pi
        if u < acc:
            return i
    return last


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature <= 0")
    W = np.asarray(W, dtype=np.float64)
    out = ""
    i = 0
    while len(out) < max_len:
        p = softmax(W[i] / temperature)
        i = _scan(p, rng.random())
        if i == 0:
            break
        out += TOKENS[i]
    return out


def rank_rules(W, top=None):
    P = softmax(np.asarray(W, dtype=np.float64))
    rules = []
    for i in range(27):
        row = P[i]
        best = 0
        for j in range(1, 27):
            if row[j] >= row[best]:
                best = j
        rules.append((TOKENS[i], TOKENS[best], float(row[best])))
    rules.sort(key=lambda r: r[2], reverse=True)
    return rules if top is None else rules[:top]


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    out = ""
    i = 0
    while len(out) < max_len:
        row = W[i]
        best = 0
        for j in range(1, 27):
            if row[j] > row[best]:
                best = j
        if best == 0:
            break
        out += TOKENS[best]
        i = best
    return out
