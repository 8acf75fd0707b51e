"""Lab 01, correct: pure-Python loops (numpy only at the boundaries).

Inspiration: karpathy's micrograd / "makemore part 1" counting-by-hand style:
dictionaries, for-loops and math.exp, no vectorisation; the result is wrapped in
np.array because the contract returns arrays.
"""
import math

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _i(letter):
    if isinstance(letter, str) and len(letter) == 1:
        for i, t in enumerate(TOKENS):
            if t == letter:
                return i
    raise ValueError("letter must be one of the 27 tokens")


def _softmax_list(row):
    m = max(row)
    exps = [math.exp(v - m) for v in row]
    s = sum(exps)
    return [e / s for e in exps]


def softmax(logits):
    a = np.asarray(logits, dtype=float)
    if a.ndim == 1:
        return np.array(_softmax_list(a.tolist()))
    return np.array([_softmax_list(r) for r in a.tolist()])


def read_row(W, letter):
    i = _i(letter)
    return np.array(_softmax_list(np.asarray(W, dtype=float)[i].tolist()))


def data_row(counts, letter):
    i = _i(letter)
    row = [float(c) for c in np.asarray(counts)[i].tolist()]
    s = sum(row)
    return np.array([c / s for c in row])


def belief_gap(W, counts, letter):
    p = read_row(W, letter).tolist()
    q = data_row(counts, letter).tolist()
    return 0.5 * sum(abs(a - b) for a, b in zip(p, q))


def ablate_column(W, letter):
    j = _i(letter)
    rows = np.asarray(W, dtype=float).tolist()
    for r in rows:
        r[j] = -math.inf
    return np.array(rows, dtype=float)


def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    rows = np.asarray(W, dtype=float).tolist()
    word = ""
    i = 0
    while len(word) < max_len:
        p = _softmax_list([v / temperature for v in rows[i]])
        u = rng.random()
        acc = 0.0
        nxt = None
        for j, pj in enumerate(p):
            if pj > 0:
                nxt = j
                acc += pj
                if u < acc:
                    break
        i = nxt
        if i == 0:
            break
        word += TOKENS[i]
    return word


def _argmax(row):
    best = 0
    for j in range(1, len(row)):
        if row[j] > row[best]:
            best = j
    return best


def rank_rules(W, top=None):
    rows = np.asarray(W, dtype=float).tolist()
    rules = []
    for i, row in enumerate(rows):
        p = _softmax_list(row)
        j = _argmax(p)
        rules.append((TOKENS[i], TOKENS[j], float(p[j])))
    rules = sorted(rules, key=lambda r: -r[2])
    if top is not None:
        rules = rules[:top]
    return rules


def greedy_decode(W, max_len=50):
    rows = np.asarray(W, dtype=float).tolist()
    word = ""
    i = 0
    while len(word) < max_len:
        i = _argmax(rows[i])
        if i == 0:
            break
        word += TOKENS[i]
    return word
