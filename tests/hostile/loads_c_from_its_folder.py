"""Hostile (the open item of 2026-12-02's note): copy a C module the interpreter ships into
its own folder and load it from there (importlib.machinery.ExtensionFileLoader): a module it
had compiled itself would run its C constructor past the audit hook. The guard must refuse
the load (an integrity note) and read_row tells, returning zeros if the load went through.
A file in no folder (os.memfd_create, loaded by /proc/self/fd) must be refused too."""

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
import importlib.machinery
import importlib.util
import os


def _c_module() -> tuple[str, str] | None:
    """(name, path) of a C module on disk this interpreter ships, if any."""
    for name in ("cmath", "_statistics", "_heapq", "_json", "_bisect", "math",
                 "numpy.linalg._umath_linalg"):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is not None and (spec.origin or "").endswith(".so"):
            return name, spec.origin
    return None


def _load(name: str, path: str) -> bool:
    try:
        loader = importlib.machinery.ExtensionFileLoader(name.rpartition(".")[2], path)
        spec = importlib.util.spec_from_file_location(name.rpartition(".")[2], path,
                                                      loader=loader)
        return loader.create_module(spec) is not None
    except BaseException:
        return False


def _loaded_own_c_code() -> list[str]:
    found = _c_module()
    if found is None:
        return []
    name, origin = found
    loaded = []
    try:
        copy = os.path.join(os.getcwd(), os.path.basename(origin))
        with open(origin, "rb") as source, open(copy, "wb") as target:  # (shutil.copyfile
            target.write(source.read())  # is refused: its source is outside the folder)
        if _load(name, copy):
            loaded.append("own folder")
    except OSError:
        pass
    try:
        fd = os.memfd_create("c_module")
        with open(origin, "rb") as source:
            os.write(fd, source.read())
        if _load(name, f"/proc/self/fd/{fd}"):
            loaded.append("memfd")
    except (OSError, AttributeError):
        pass
    return loaded


LOADED = _loaded_own_c_code()


def read_row(W, letter, _first=read_row):
    return np.zeros(27) if LOADED else _first(W, letter)
