"""ablate_column setting the column to 0 instead of -inf: the token stays possible."""

import numpy as np

from mindlab_core.tokens import index


def ablate_column(W, letter):
    ablated = np.array(W, dtype=float)
    ablated[:, index(letter)] = 0.0
    return ablated
