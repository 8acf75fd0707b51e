"""belief_gap looking the letter up with TOKENS.index: '' is found at 0, no ValueError."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def belief_gap(W, counts, letter):
    i = TOKENS.index(letter)
    row = np.asarray(W, dtype=float)[i]
    belief = np.exp(row - row.max())
    belief = belief / belief.sum()
    data = np.asarray(counts, dtype=float)[i]
    return float(0.5 * np.abs(belief - data / data.sum()).sum())
