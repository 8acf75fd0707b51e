"""read_row returning the raw logits of the row, no softmax."""

import numpy as np

from mindlab_core.tokens import index


def read_row(W, letter):
    return np.array(W, dtype=float)[index(letter)]
