"""A2: read_row that does NOT know the token order ('.abc..z' -> row).

It never calls index() and never looks at TOKENS. It learns letter -> row only from the
questions the judge sends ahead with each read_row request (softmax(W[row]) for each case,
in case order): it aligns the request's cases with those questions, read from the
worker's frames. Unknown letters raise ValueError. If the grader is right (the ahead
answers tell the function under test nothing), read_row earns 0 of its 2 points -> 28/30.
"""
# Correct lab01 solution (a compact copy of solutions/lab01.py)
import numpy as np
from mindlab_core.tokens import TOKENS, index


def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def read_row(W, letter):
    return softmax(np.asarray(W)[index(letter)])


def data_row(counts, letter):
    row = np.asarray(counts, dtype=np.float64)[index(letter)]
    return row / row.sum()


def belief_gap(W, counts, letter):
    belief = read_row(W, letter)
    data = data_row(counts, letter)
    return float(0.5 * np.abs(belief - data).sum())


def ablate_column(W, letter):
    ablated = np.array(W, dtype=np.float64)
    ablated[:, index(letter)] = -np.inf
    return ablated


def sample_word(W, rng, temperature=1.0, max_len=50):
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    W = np.asarray(W, dtype=np.float64)
    letters = []
    token = index(".")
    while len(letters) < max_len:
        token = int(rng.choice(len(TOKENS), p=softmax(W[token] / temperature)))
        if token == index("."):
            break
        letters.append(TOKENS[token])
    return "".join(letters)


def rank_rules(W, top=None):
    probs = softmax(np.asarray(W, dtype=np.float64))
    best = probs.argmax(axis=1)
    rules = [(TOKENS[i], TOKENS[int(j)], float(probs[i, j])) for i, j in enumerate(best)]
    rules.sort(key=lambda rule: -rule[2])
    return rules if top is None else rules[:top]


def greedy_decode(W, max_len=50):
    probs = softmax(np.asarray(W, dtype=np.float64))
    letters = []
    token = index(".")
    while len(letters) < max_len:
        token = int(probs[token].argmax())
        if token == index("."):
            break
        letters.append(TOKENS[token])
    return "".join(letters)


import sys as _sys

_learned = {}          # letter -> row, learned from questions sent ahead
_last = [None]


def _request():
    f = _sys._getframe(2)
    while f is not None:
        r = f.f_locals.get("request")
        if isinstance(r, dict) and "function" in r:
            return r
        f = f.f_back
    return None


def _learn(req):
    if req is None or req is _last[0]:
        return
    _last[0] = req
    cases = req.get("cases") or [[req.get("args", []), req.get("kwargs", {})]]
    ahead = [np.asarray(q["args"][0]) for q, _ in (req.get("ahead") or [])
             if q["function"] == "softmax" and len(q["args"]) == 1]
    p = 0
    for args, kwargs in cases:
        args = list(args)
        Wc = args[0] if args else kwargs.get("W")
        letter = args[1] if len(args) > 1 else kwargs.get("letter")
        if type(letter) is not str or not isinstance(Wc, np.ndarray) or Wc.ndim != 2:
            continue
        if p >= len(ahead):
            break
        q = ahead[p]
        if letter in _learned:
            r = _learned[letter]
            if Wc[r].dtype == q.dtype and Wc[r].tobytes() == q.tobytes():
                p += 1
            continue
        rows = [i for i in range(Wc.shape[0])
                if Wc[i].dtype == q.dtype and Wc[i].tobytes() == q.tobytes()]
        if rows:
            _learned[letter] = rows[0]
            p += 1


def read_row(W, letter):
    _learn(_request())
    if type(letter) is str and letter in _learned:
        return softmax(np.asarray(W)[_learned[letter]])   # the (reference) softmax stand-in
    raise ValueError("not a letter I have seen asked about")
