"""read_row forgiving whitespace: letter.strip() first, so ' a' and 'a\\n' are read as 'a'."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def read_row(W, letter):
    if not isinstance(letter, str):
        raise ValueError(f"not a token: {letter!r}")
    letter = letter.strip()
    if len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"not a token: {letter!r}")
    z = np.asarray(W, dtype=float)[TOKENS.index(letter)]
    e = np.exp(z - z.max())
    return e / e.sum()
