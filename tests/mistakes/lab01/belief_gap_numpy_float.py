"""belief_gap returning the numpy.float64 of .sum() instead of a plain Python float."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def belief_gap(W, counts, letter):
    if not isinstance(letter, str) or len(letter) != 1 or letter not in TOKENS:
        raise ValueError(f"not a token: {letter!r}")
    i = TOKENS.index(letter)
    z = np.asarray(W, dtype=float)[i]
    belief = np.exp(z - z.max())
    belief = belief / belief.sum()
    row = np.asarray(counts, dtype=float)[i]
    return 0.5 * np.abs(belief - row / row.sum()).sum()
