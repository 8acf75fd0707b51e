"""data_row adding one to every count (makemore's smoothing) before dividing: not the data."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def data_row(counts, letter):
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"not a token: {letter!r}")
    row = np.asarray(counts, dtype=float)[TOKENS.index(letter)] + 1
    return row / row.sum()
