import math
import numpy as np
from mindlab_core.tokens import TOKENS, index

def _softmax_list(row):
    m = max(row)
    ex = [math.exp(v - m) for v in row]
    s = sum(ex)
    return [v / s for v in ex]

def softmax(logits):
    a = np.asarray(logits, dtype=float)
    if a.ndim == 1:
        return np.array(_softmax_list(a.tolist()), dtype=float)
    return np.array([_softmax_list(list(r)) for r in a.tolist()], dtype=float).reshape(a.shape)


def read_row(W, letter):
    i = index(letter)
    row = [float(v) for v in W[i]]
    return softmax(np.array(row))


def data_row(counts, letter):
    i = index(letter)
    total = 0
    for c in counts[i]:
        total += int(c)
    return np.array([int(c) / total for c in counts[i]], dtype=float)


def belief_gap(W, counts, letter):
    b = read_row(W, letter)
    d = data_row(counts, letter)
    s = 0.0
    for x, y in zip(b, d):
        s += abs(float(x) - float(y))
    return 0.5 * s


def ablate_column(W, letter):
    j = index(letter)
    out = np.copy(W).astype(float)
    for i in range(out.shape[0]):
        out[i][j] = float("-inf")
    return out


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    word = ""
    cur = 0
    while len(word) < max_len:
        p = softmax(np.asarray(W[cur], dtype=float) / temperature)
        u = rng.random()
        acc = 0.0
        nxt = 26
        for j in range(27):
            acc += p[j]
            if u < acc:
                nxt = j
                break
        else:
            nxt = max(j for j in range(27) if p[j] > 0)
        if nxt == 0:
            break
        word += TOKENS[nxt]
        cur = nxt
    return word


def rank_rules(W, top=None):
    rules = []
    for i in range(27):
        p = read_row(W, TOKENS[i])
        best = 0
        for j in range(1, 27):
            if p[j] > p[best]:
                best = j
        rules.append((TOKENS[i], TOKENS[best], float(p[best])))
    rules = sorted(rules, key=lambda r: r[2], reverse=True)
    return rules if top is None else rules[:top]


def greedy_decode(W, max_len=50):
    word = ""
    cur = 0
    while len(word) < max_len:
        row = list(W[cur])
        best = 0
        for j in range(1, 27):
            if row[j] > row[best]:
                best = j
        if best == 0:
            break
        word += TOKENS[best]
        cur = best
    return word
