import math
import numpy as np
from mindlab_core.tokens import TOKENS, index

def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    x = x - np.amax(x, axis=x.ndim - 1, keepdims=True)
    np.exp(x, out=x)
    x /= x.sum(axis=x.ndim - 1, keepdims=True)
    return x


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
    return 0.5 * float(np.linalg.norm(read_row(W, letter) - data_row(counts, letter), ord=1))


def ablate_column(W, letter):
    out = W.copy()
    out[..., index(letter)] = -np.inf
    return out


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    letters = np.array(list(TOKENS))
    word = ""
    prev = "."
    for _ in range(max_len):
        p = softmax(W[TOKENS.index(prev)] / temperature)
        prev = str(rng.choice(letters, p=p))
        if prev == ".":
            break
        word += prev
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
