"""data_row dividing count by count in a list comprehension: a Python list, not an array."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def data_row(counts, letter):
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"not a token: {letter!r}")
    row = np.asarray(counts)[TOKENS.index(letter)]
    total = row.sum()
    return [float(c) / total for c in row]
