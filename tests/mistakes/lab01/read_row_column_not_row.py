"""read_row reading column W[:, i] (what comes before the letter) instead of row W[i]."""

import numpy as np

from mindlab_core.tokens import index


def read_row(W, letter):
    column = np.asarray(W, dtype=float)[:, index(letter)]
    e = np.exp(column - column.max())
    return e / e.sum()
