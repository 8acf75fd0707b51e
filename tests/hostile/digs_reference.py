"""Hostile: digs the reference functions out of the garbage collector and the loader's frames, and has softmax and sample_word only if it finds them. The worker holds no reference (the judge answers for it), so there is nothing to find: no credit for softmax and sample_word, whatever happens."""

import numpy as np

from mindlab_core.tokens import TOKENS, index

import gc
import sys


def _dig(value, depth, found):
    """Look through objects reachable from `value` for the reference's functions."""
    if depth > 3 or len(found) > 50:
        return
    if callable(value) and getattr(value, "__module__", "") == "mindlab_core.lab01.reference":
        found.setdefault(getattr(value, "__name__", ""), value)
        return
    inner = value if isinstance(value, dict) else getattr(value, "__dict__", None)
    if isinstance(inner, dict):
        for item in list(inner.values()):
            _dig(item, depth + 1, found)


_found = {}
try:
    for obj in gc.get_objects():  # the garbage collector's view (refused since 2026-12-02:
        _dig(obj, 3, _found)      # tests/hostile/rebuilds_ctypes_to_switch_off_the_guard.py)...
except PermissionError:
    pass
_frame = sys._getframe()
while _frame is not None:  # ...and whatever the frames that loaded us can reach
    for _value in list(_frame.f_locals.values()):
        _dig(_value, 0, _found)
    _frame = _frame.f_back

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


def softmax(logits):  # noqa: F811 - only what digging finds
    return _found["softmax"](logits)


def sample_word(W, rng, temperature=1.0, max_len=50):  # noqa: F811 - a wrapper around it
    return _found["sample_word"](W, rng, temperature, max_len)
