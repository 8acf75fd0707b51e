"""lab01, WRONG in `read_row`: validates with re.match(r'^([.a-z])$', letter): `$` also matches before a trailing newline, so 'a\n' is accepted as 'a'.

Why the contract forbids it: "A letter is exactly one of the 27 one-character strings: `" a"`, `"a\n"`, `"A"`, `"ab"`, `""`, `3`, `None` all raise `ValueError`." (SPEC §2, boundaries)

Otherwise identical to correct_lexsort_regex.py (the other functions are correct).
"""
import re

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"
_LETTER = re.compile(r"[.a-z]")


def _code(letter):
    if not isinstance(letter, str) or _LETTER.fullmatch(letter) is None:
        raise ValueError(f"not a token: {letter!r}")
    return TOKENS.index(letter)


def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    x = x - np.max(x, axis=-1, keepdims=True)
    num = np.exp(x)
    return num / num.sum(axis=-1, keepdims=True)


def read_row(W, letter):
    m = re.match(r"^([.a-z])$", letter) if isinstance(letter, str) else None
    if m is None:
        raise ValueError(f"not a token: {letter!r}")
    return softmax(np.take(np.asarray(W, dtype=np.float64), TOKENS.index(m.group(1)), axis=0))


def data_row(counts, letter):
    row = np.take(np.asarray(counts), _code(letter), axis=0).astype(np.float64)
    return row / row.sum()


def belief_gap(W, counts, letter):
    return float(np.sum(np.abs(read_row(W, letter) - data_row(counts, letter))) * 0.5)


def ablate_column(W, letter):
    j = _code(letter)
    A = np.asarray(W, dtype=np.float64).copy()
    A[:, j] = -np.inf
    return A


def sample_word(W, rng, temperature=1.0, max_len=50):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    chars = []
    cur = 0
    while len(chars) < max_len:
        cur = int(rng.choice(27, p=softmax(W[cur] / temperature)))
        if cur == 0:
            break
        chars.append(TOKENS[cur])
    return "".join(chars)


def rank_rules(W, top=None):
    P = softmax(np.asarray(W, dtype=np.float64))
    nxt = P.argmax(axis=1)
    prob = P.max(axis=1)
    order = np.lexsort((np.arange(27), -prob))
    rules = [(TOKENS[i], TOKENS[nxt[i]], float(prob[i])) for i in order.tolist()]
    return rules if top is None else rules[:max(top, 0)]


def greedy_decode(W, max_len=50):
    W = np.asarray(W, dtype=np.float64)
    chars = []
    cur = 0
    while len(chars) < max_len:
        cur = int(np.argmax(W[cur]))
        if cur == 0:
            break
        chars.append(TOKENS[cur])
    return "".join(chars)
