"""read_row validating with TOKENS.index: '' is found at 0 and 3 raises TypeError."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def read_row(W, letter):
    i = TOKENS.index(letter)
    row = np.asarray(W, dtype=float)[i]
    e = np.exp(row - row.max())
    return e / e.sum()
