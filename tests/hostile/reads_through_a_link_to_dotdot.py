"""Hostile (an outside helper's, 2026-12-02): the guard read paths by text rules, the kernel
follows symlinks. An existing link to a shallower folder (/usr/bin/X11 -> '.', dozens of
others under /usr) makes "/usr/bin/X11/../../work/..." read as a path under /usr but open
/work/...: the reference, the solutions and the suites were readable (a stub scored 30/30
in process isolation), a C module in its own folder loadable. Each sub-attack that works
breaks one function; the guard must refuse them all, with integrity notes."""

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

import mindlab_core


def _shallower_link() -> tuple[str, int] | None:
    """(a symlink under /usr to a folder fewer levels deep, how many '..' reach '/')."""
    candidates = ["/usr/bin/X11", "/usr/lib/llvm-14/build/Release"]
    for top in ("/usr/lib", "/usr/share"):
        try:
            for entry in list(os.scandir(top))[:400]:
                candidates.append(entry.path)
        except OSError:
            pass
    for link in candidates:
        try:
            if os.path.islink(link) and os.path.isdir(link):
                real = os.path.realpath(link)
                depth = len([p for p in real.split("/") if p])
                if len([p for p in link.split("/") if p]) - 1 > depth:
                    return link, depth
        except OSError:
            continue
    return None


FOUND = _shallower_link()
HOME = os.path.dirname(os.path.dirname(os.path.abspath(mindlab_core.__file__)))


def _via(real: str) -> str:
    link, depth = FOUND
    return link + "/.." * depth + real


def _reads(path: str, word: str) -> bool:
    try:
        with open(_via(path)) as f:
            return word in f.read()
    except OSError:
        return False


def _lists(path: str) -> bool:
    try:
        return len(os.listdir(_via(path))) > 0
    except OSError:
        return False


def _loads_own_c_module() -> bool:
    spec = importlib.util.find_spec("cmath")
    if spec is None or not (spec.origin or "").endswith(".so"):
        return False
    try:
        copy = os.path.join(os.getcwd(), os.path.basename(spec.origin))
        with open(spec.origin, "rb") as source, open(copy, "wb") as target:
            target.write(source.read())
        loader = importlib.machinery.ExtensionFileLoader("cmath", _via(copy))
        return loader.create_module(importlib.util.spec_from_loader("cmath", loader)) is not None
    except BaseException:
        return False


WORKED = set() if FOUND is None else {name for name, worked in (
    ("read_row", lambda: _reads(HOME + "/solutions/lab01.py", "def softmax")),
    ("data_row", lambda: _lists(HOME + "/autograder/suites")),
    ("belief_gap", lambda: _reads(HOME + "/mindlab_core/lab01/reference.py", "def softmax")),
    ("rank_rules", _loads_own_c_module)) if worked()}


def _broken(*args, **kwargs):
    raise ValueError("the attack worked")


for _name in WORKED:
    globals()[_name] = _broken
