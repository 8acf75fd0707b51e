"""data_row validating with TOKENS.index: '' is found at 0 and 3 raises TypeError."""

import numpy as np

TOKENS = ".abcdefghijklmnopqrstuvwxyz"


def data_row(counts, letter):
    row = np.asarray(counts, dtype=float)[TOKENS.index(letter)]
    return row / row.sum()
