"""data_row reading column counts[:, i] instead of row counts[i]."""

import numpy as np

from mindlab_core.tokens import index


def data_row(counts, letter):
    column = np.asarray(counts, dtype=float)[:, index(letter)]
    return column / column.sum()
