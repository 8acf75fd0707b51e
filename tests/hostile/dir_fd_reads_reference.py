"""Hostile: opens the reference's folder (readable: mindlab_core) and reads reference.py relative to it with open(..., opener=os.open(..., dir_fd=...)); the guard sees only 'reference.py' in its own folder. Takes read_row from it. Expect read_row's checks to fail and a refused-read integrity note."""

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


# ---- the attack: a path relative to a directory descriptor the guard never sees
import os

import mindlab_core

_source = ""
try:
    _dir = os.open(os.path.join(os.path.dirname(mindlab_core.__file__), "lab01"), os.O_RDONLY)
    with open("reference.py", opener=lambda path, flags: os.open(path, flags, dir_fd=_dir)) as f:
        _source = f.read()
except OSError:
    pass
if "def read_row" in _source:
    _ns = {}
    exec(compile(_source, "<copied>", "exec"), _ns)
    read_row = _ns["read_row"]
else:
    def read_row(W, letter):
        raise NotImplementedError()
