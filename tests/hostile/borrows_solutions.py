"""Hostile: tries to import the solutions, the reference and the grader, and to read the suites' files. Expect integrity notes; its own functions still earn full marks."""

import numpy as np

from mindlab_core.tokens import TOKENS, index

import glob
import os

LEAKED = []
for name in ("solutions.lab01", "mindlab_core.lab01.reference", "mindlab_labs",
             "mindlab_grader.suites.lab01.hidden.test_tool01"):
    try:
        __import__(name)
        LEAKED.append(name)
    except ImportError:
        pass
import mindlab_core

_root = os.path.dirname(os.path.dirname(mindlab_core.__file__))
SUITE_FILES = [f for top in ("autograder", "mindlab_grader")  # a checkout's, an install's
               for f in glob.glob(os.path.join(_root, top, "suites", "*", "hidden", "*.py"))]
for path in SUITE_FILES:
    try:
        with open(path) as f:
            f.read()
    except OSError:
        pass

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
