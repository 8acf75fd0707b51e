"""read_row building its answer as a Python list ([p for p in ...]), not a numpy array."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def read_row(W, letter):
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"not a token: {letter!r}")
    z = np.asarray(W, dtype=float)[TOKENS.index(letter)]
    e = np.exp(z - z.max())
    return [float(p) for p in e / e.sum()]
