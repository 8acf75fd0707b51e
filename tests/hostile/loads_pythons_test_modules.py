"""Hostile: loads the interpreter's own test and experiment modules from lib-dynload (_testcapi, _testinternalcapi, and _xxsubinterpreters under another name, since a C module's init function is named after the last part of its name), and runs code in a second interpreter, which has no audit hook, to read the reference's source and take data_row from it. Expect data_row's checks to fail and a refused-C-code integrity note (found while probing: all of them imported)."""

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


# ---- the attack: modules the interpreter ships for its own tests, and a hook-free interpreter
import glob
import importlib.machinery
import os

import mindlab_core

_DYNLOAD = os.path.join(os.path.dirname(os.__file__), "lib-dynload")


def _load(name, alias):
    """Import a lib-dynload module straight from its file, under another name."""
    try:
        return __import__(name)
    except Exception:
        pass
    for path in glob.glob(os.path.join(_DYNLOAD, name + ".*")):
        try:
            loader = importlib.machinery.ExtensionFileLoader(alias, path)
            spec = importlib.machinery.ModuleSpec(alias, loader, origin=path)
            return loader.create_module(spec)
        except Exception:
            pass
    return None


_testcapi = _load("_testcapi", "x._testcapi")
_internal = _load("_testinternalcapi", "x._testinternalcapi")
_interpreters = _load("_xxsubinterpreters", "x._xxsubinterpreters")
_reference = os.path.join(os.path.dirname(mindlab_core.__file__), "lab01", "reference.py")
_source = ""
try:
    _interp = _interpreters.create()
    _interpreters.run_string(_interp, "open('copied.py', 'w').write(open(%r).read())" % _reference)
    _source = open("copied.py").read()
except Exception:
    pass
if "def data_row" in _source:
    _ns = {}
    exec(compile(_source, "<copied>", "exec"), _ns)
    data_row = _ns["data_row"]
else:
    def data_row(counts, letter):
        raise NotImplementedError()
