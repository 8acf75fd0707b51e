"""Hostile: a softmax that returns the reference's answers the judge sent ahead to earlier checks (answers.ReferenceAnswers.ahead), found through the frames that call it (gc.get_objects() is refused): any kept probability row with the input's shape and order. The worker drops every kept answer of the function under test before it runs, so there is nothing to find: softmax earns nothing, every other function keeps its marks."""

import numpy as np

from mindlab_core.tokens import TOKENS, index

import gc


def softmax(logits):
    x = np.asarray(logits, dtype=np.float64)
    try:
        holder = _reach(lambda o: isinstance(getattr(o, "answered", None), dict))
    except LookupError:
        holder = None
    for obj in list(holder.answered.values()) if holder is not None else []:
        kept = obj.get("value") if type(obj) is dict else None
        if (type(kept) is np.ndarray and kept.shape == x.shape and x.size > 1
                and np.isclose(kept.sum(axis=-1), 1.0).all()
                and (np.argsort(kept, axis=-1) == np.argsort(x, axis=-1)).all()):
            return kept
    return np.full(x.shape, 1.0 / max(x.shape[-1] if x.ndim else 1, 1))

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


def _reach(wanted):
    """The first object `wanted(obj)` accepts among what the frames calling us can reach
    (locals, and their attributes two levels down): gc.get_objects() is refused."""
    import sys as _sys
    seen = set()
    frame = _sys._getframe(1)
    while frame is not None:
        todo = [(v, 0) for v in list(frame.f_locals.values())]
        while todo:
            obj, depth = todo.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            try:
                if wanted(obj):
                    return obj
            except Exception:
                pass
            inner = getattr(obj, "__dict__", None) if depth < 2 else None
            if type(inner) is dict:
                todo.extend((v, depth + 1) for v in list(inner.values()))
            if type(obj) is dict and depth < 2:
                todo.extend((v, depth + 1) for v in list(obj.values()))
        frame = frame.f_back
    raise LookupError("not reachable")
