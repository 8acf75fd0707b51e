"""A8 (asks, not ahead; for comparison): while softmax is under test, its stand-in
neighbours (the reference's other functions, answered by the judge) are asked every
question the learner can guess in advance: the trained W and counts, all 27 letters and
the bad letters, every top and max_len. Nothing asked is for the function under test, so
it is not "borrowing". The answers are kept in the learner's own dict. data_row,
ablate_column and greedy_decode are then NOT implemented: they return a kept answer or
None. If borrowing were caught whatever the route, they would earn 0: 30-2-2.5-4 = 21.5.
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

from mindlab_core.bigram import trained_model as _tm

_kept = {}
_BAD = ("A", "ab", "", 3, " a", "a\n", None, "`", "{", "é", "a ", "\t", "\n", "..", 1.0)
_real_softmax = softmax


def _ask(name, *args, **kwargs):
    fn = globals()[name]                  # during a softmax call: the judge's stand-in
    try:
        return ("value", fn(*args, **kwargs))
    except ValueError as exc:
        return ("ValueError", str(exc))
    except Exception as exc:
        return ("other", repr(exc))


def _prefetch():
    if _kept or getattr(globals().get("data_row"), "__module__", "").startswith("mindlab") is False:
        return
    m = _tm()
    W, C = np.asarray(m.W, dtype=np.float64), np.asarray(m.counts)
    for letter in list(TOKENS) + list(_BAD):
        _kept[("data_row", letter)] = _ask("data_row", C, letter)
        _kept[("ablate_column", letter)] = _ask("ablate_column", W, letter)
    for ml in list(range(0, 61)) + [260]:
        _kept[("greedy_decode", ml)] = _ask("greedy_decode", W, ml)
    _kept[("greedy_decode", "default")] = _ask("greedy_decode", W)


def softmax(logits):
    _prefetch()
    return _real_softmax(logits)


def _give(key):
    kind, value = _kept.get(key, ("none", None))
    if kind == "ValueError":
        raise ValueError(value)
    return value


def data_row(counts, letter):
    return _give(("data_row", letter if type(letter) is str or letter is None else letter))


def ablate_column(W, letter):
    return _give(("ablate_column", letter))


def greedy_decode(W, max_len=50):
    return _give(("greedy_decode", max_len))
