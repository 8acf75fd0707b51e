"""Hostile: patches pytest, builtins and sys.modules; rank_rules is wrong. Expect rank_rules's checks to fail anyway."""

import numpy as np

from mindlab_core.tokens import TOKENS, index

import builtins
import sys
import types

try:
    import pytest

    pytest.approx = lambda *a, **k: types.SimpleNamespace(__eq__=lambda s, o: True)
    pytest.fail = lambda *a, **k: None
except ImportError:
    pass
builtins.AssertionError = type("Nope", (Exception,), {})
fake = types.ModuleType("autograder")
fake.checks = types.SimpleNamespace(Fail=Exception)
sys.modules["mindlab_grader.checks"] = fake.checks

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
    return [(".", "a", 1.0)] * 27  # wrong on purpose

def greedy_decode(W, max_len=50):
    probs = softmax(np.asarray(W, dtype=np.float64))
    letters, row = [], 0
    while len(letters) < max_len:
        row = int(probs[row].argmax())
        if row == 0:
            break
        letters.append(TOKENS[row])
    return "".join(letters)
