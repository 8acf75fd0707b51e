"""read_row using ord(letter) - ord('a') + 1: right for a..z, but '.' is not handled."""

import numpy as np


def read_row(W, letter):
    if not isinstance(letter, str) or len(letter) != 1 or not letter.islower():
        raise ValueError(f"not a letter: {letter!r}")
    i = ord(letter) - ord("a") + 1
    row = np.asarray(W, dtype=float)[i]
    e = np.exp(row - row.max())
    return e / e.sum()
