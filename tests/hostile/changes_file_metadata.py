"""Hostile (an outside helper's, 2026-12-02): Landlock covers reads and writes, not a file's
metadata. With the guard switched off, a worker that stayed root set the setuid bit on a
root-owned file outside its folder and kept a value in a host file's mtime for the next
student; with the guard on, it read /etc/shadow (/etc was a readable root). The kernel
now refuses every change of mode, owner, times and extended attributes (its own files'
too), and of /etc only what the interpreter needs is readable. Each change that goes
through breaks one function (tried on a file of its own folder, which the guard allows)."""

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
import os


def _changes(change) -> bool:
    try:
        with open("mine.txt", "w") as f:
            f.write("x")
        change("mine.txt")
        return True
    except (OSError, AttributeError):
        return False


def _reads_root_only_file() -> bool:
    try:
        with open("/etc/shadow") as f:
            return bool(f.read(1))
    except OSError:
        return False


WORKED = {name for name, worked in (
    ("softmax", lambda: _changes(lambda p: os.chmod(p, 0o4755))),
    ("read_row", lambda: _changes(lambda p: os.utime(p, (1, 1)))),
    ("data_row", lambda: _changes(lambda p: os.setxattr(p, "user.kept", b"42"))),
    ("belief_gap", lambda: _changes(lambda p: os.chown(p, os.getuid(), os.getgid()))),
    ("rank_rules", _reads_root_only_file)) if worked()}


def _broken(*args, **kwargs):
    raise ValueError("the attack worked")


for _name in WORKED:
    globals()[_name] = _broken
