"""read_row indexing with ord(letter) - ord('a'), forgetting that '.' is token 0."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def read_row(W, letter):
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"not a token: {letter!r}")
    i = 0 if letter == "." else ord(letter) - ord("a")
    row = np.asarray(W, dtype=float)[i]
    e = np.exp(row - row.max())
    return e / e.sum()
