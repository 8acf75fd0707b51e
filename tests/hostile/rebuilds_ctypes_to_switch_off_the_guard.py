"""Hostile (an outside helper's, 2026-12-02): numpy imports ctypes, and the lockdown used it,
so `import _ctypes` worked in the worker: a Union of an int and a pointer reads and writes
any address without an audited call, gc.get_objects() found the guard's hook, and
overwriting its code switched the guard off (then shellcode, a C module of its own, the
reference read, files written outside its folder). The worker now lets ctypes go before
the submission runs and the guard refuses gc's object lists and code objects made by
hand: each route that works breaks one function."""

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
import gc
import sys
import types


def _imports_ctypes() -> bool:
    try:
        import _ctypes  # noqa: F401

        return True
    except BaseException:
        return False


def _numpy_ctypes() -> bool:
    internal = sys.modules.get("numpy._core._internal")
    return getattr(internal, "ctypes", None) is not None


def _finds_the_hook() -> bool:
    try:
        return any(type(o) is types.FunctionType and o.__code__.co_name == "hook"
                   and o.__code__.co_filename.endswith("guard.py") for o in gc.get_objects())
    except BaseException:
        return False


def _makes_code() -> bool:
    try:
        code = (lambda: 0).__code__
        return types.CodeType(*[getattr(code, "co_" + f) for f in (
            "argcount", "posonlyargcount", "kwonlyargcount", "nlocals", "stacksize", "flags",
            "code", "consts", "names", "varnames", "filename", "name", "qualname",
            "firstlineno", "linetable", "exceptiontable", "freevars", "cellvars")]) is not None
    except BaseException:
        return False


WORKED = {name for name, worked in (("softmax", _imports_ctypes), ("read_row", _numpy_ctypes),
                                    ("data_row", _finds_the_hook), ("belief_gap", _makes_code))
          if worked()}


def _broken(*args, **kwargs):
    raise ValueError("the attack worked")


for _name in WORKED:
    globals()[_name] = _broken
