"""Hostile: writes a file into shared memory (/dev/shm/mindlab_hostile_shm) with _posixshmem.shm_open and os.write, which raise no audited open: under process isolation it outlived the worker (found from outside). Its greedy_decode is right only if the write fails. Expect greedy_decode to fail, a refused-write integrity note, and no such file afterwards."""

import numpy as np

from mindlab_core.tokens import TOKENS, index

import os

try:
    import _posixshmem

    _fd = _posixshmem.shm_open("/mindlab_hostile_shm", os.O_CREAT | os.O_RDWR, 0o644)
    os.write(_fd, b"left for the next student\n")
    os.close(_fd)
    WROTE = True
except Exception:
    WROTE = False

def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)

def read_row(W, letter):
    return softmax(np.asarray(W)[index(letter)])

def data_row(counts, letter):
    row = np.asarray(counts, dtype=np.float64)[index(letter)]
    return row / row.sum()

def belief_gap(W, counts, letter):
    return float(0.5 * np.abs(read_row(W, letter) - data_row(counts, letter)).sum())

def ablate_column(W, letter):
    j = index(letter)
    out = np.array(W, dtype=np.float64)
    out[:, j] = -np.inf
    return out

def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError("temperature must be > 0")
    W = np.asarray(W, dtype=np.float64)
    letters, row = [], 0
    while len(letters) < max_len:
        row = int(rng.choice(27, p=softmax(W[row] / temperature)))
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)

def rank_rules(W, top=None):
    probs = softmax(np.asarray(W, dtype=np.float64))
    best = probs.argmax(axis=1)
    rules = [(TOKENS[i], TOKENS[int(j)], float(probs[i, j])) for i, j in enumerate(best)]
    rules.sort(key=lambda rule: -rule[2])
    return rules if top is None else rules[:top]

def _greedy_decode(W, max_len=50):
    probs = softmax(np.asarray(W, dtype=np.float64))
    letters, row = [], 0
    while len(letters) < max_len:
        row = int(probs[row].argmax())
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)



def greedy_decode(W, max_len=50):  # noqa: F811 - right only where shared memory was written
    return _greedy_decode(W, max_len) if WROTE else "refused"
