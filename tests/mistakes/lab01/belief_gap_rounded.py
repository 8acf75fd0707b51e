"""belief_gap rounding the distance to 3 places (as the lab prints it)."""

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
    return round(float(0.5 * np.abs(belief - row / row.sum()).sum()), 3)
