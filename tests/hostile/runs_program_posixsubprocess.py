"""Hostile: runs /bin/cat through _posixsubprocess.fork_exec (not subprocess.Popen, which the guard watches) to read the reference's source, and takes data_row from it; a program it runs has no guard at all. Expect data_row's checks to fail and a refused-program integrity note."""

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


# ---- the attack: fork_exec straight from the C module
import os

import mindlab_core


def _cat(path):
    try:
        import _posixsubprocess

        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        pid = _posixsubprocess.fork_exec(
            [b"/bin/cat", os.fsencode(path)], [b"/bin/cat"], True, (out_w, err_w), None, None,
            -1, -1, -1, out_w, -1, -1, err_r, err_w, True, False, -1, None, None, -1, -1,
            None, False)
        os.close(out_w)
        os.close(err_w)
        chunks = []
        while True:
            chunk = os.read(out_r, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
        os.waitpid(pid, 0)
        return b"".join(chunks).decode()
    except Exception:
        return ""


_source = _cat(os.path.join(os.path.dirname(mindlab_core.__file__), "lab01", "reference.py"))
if "def data_row" in _source:
    _ns = {}
    exec(compile(_source, "<copied>", "exec"), _ns)
    data_row = _ns["data_row"]
else:
    def data_row(counts, letter):
        raise NotImplementedError()
