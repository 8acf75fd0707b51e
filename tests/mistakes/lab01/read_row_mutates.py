"""read_row shifting the row in place: W[i] is a view, so -= changes the caller's W."""

import numpy as np

from mindlab_core.tokens import index


def read_row(W, letter):
    row = W[index(letter)]
    row -= row.max()
    e = np.exp(row)
    return e / e.sum()
