"""lab01, WRONG in `read_row`: strips whitespace first, so ' a' and 'a\n' are read as 'a'.

Why the contract forbids it: "A letter is exactly one of the 27 one-character strings: `" a"`, `"a\n"`, `"A"`, `"ab"`, `""`, `3`, `None` all raise `ValueError`." (SPEC §2, boundaries)

Otherwise identical to correct_heapq.py (the other functions are correct).
"""
import heapq

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def _tok(letter):
    if not isinstance(letter, str) or len(letter) != 1 or TOKENS.find(letter) == -1:
        raise ValueError(f"not one of the 27 tokens: {letter!r}")
    return TOKENS.find(letter)


def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    ex = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return ex / np.sum(ex, axis=-1, keepdims=True)


def read_row(W, letter):
    return softmax(np.asarray(W)[_tok(letter.strip() if isinstance(letter, str) else letter)])


def data_row(counts, letter):
    r = np.asarray(counts)[_tok(letter)]
    return r.astype(np.float64) / r.sum()


def belief_gap(W, counts, letter):
    return 0.5 * float(np.sum(np.abs(read_row(W, letter) - data_row(counts, letter))))


def ablate_column(W, letter):
    j = _tok(letter)
    W = np.array(W, dtype=np.float64, copy=True)
    W[:, j] = -np.inf
    return W


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    logits = np.asarray(W, dtype=np.float64) / temperature
    chars = []
    t = 0
    for _ in range(max_len):
        t = int(rng.choice(27, p=softmax(logits[t])))
        if t == 0:
            break
        chars.append(TOKENS[t])
    return "".join(chars)


def rank_rules(W, top=None):
    P = softmax(np.asarray(W, dtype=np.float64))
    rules = []
    for i in range(27):
        j = int(np.argmax(P[i]))
        rules.append((TOKENS[i], TOKENS[j], float(P[i, j])))
    n = 27 if top is None else top
    return heapq.nlargest(n, rules, key=lambda r: r[2])


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    chars = []
    t = 0
    for _ in range(max_len):
        t = int(np.argmax(W[t]))
        if t == 0:
            break
        chars.append(TOKENS[t])
    return "".join(chars)
