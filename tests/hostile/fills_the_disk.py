"""Hostile: makes 100 unnamed files, 200 files of 1 MB and 50 folders at import, each
under the file-size limit (found from outside: 160 files of 16 MB put 2.5 GB on the
grader's disk under process isolation). Expect full marks, a note that files were refused,
and at most guard.MAX_MADE of them made (softmax breaks if more were)."""

import numpy as np

from mindlab_core.tokens import TOKENS, index

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

def greedy_decode(W, max_len=50):
    probs = softmax(np.asarray(W, dtype=np.float64))
    letters, row = [], 0
    while len(letters) < max_len:
        row = int(probs[row].argmax())
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)



import os

block = b"\xff" * (1 << 20)
unnamed = []  # files in no folder (O_TMPFILE): "." exists, so a count of new paths missed
for k in range(100):  # them (found from outside: 125 of 15 MB)
    try:
        fd = os.open(".", getattr(os, "O_TMPFILE", 0) | os.O_WRONLY, 0o600)
    except OSError:
        continue
    unnamed.append(fd)
    os.write(fd, block)
for k in range(200):
    try:
        with open(f"fill{k}.bin", "wb") as f:
            f.write(block)
    except OSError:
        pass
for k in range(50):
    try:
        os.mkdir(f"d{k}")
    except OSError:
        pass
if len(os.listdir(".")) + len(unnamed) > 16:
    softmax = None
