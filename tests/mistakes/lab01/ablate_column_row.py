"""ablate_column blocking the row W[i] instead of the column W[:, i]."""

import numpy as np

from mindlab_core.tokens import index


def ablate_column(W, letter):
    ablated = np.array(W, dtype=float)
    ablated[index(letter), :] = -np.inf
    return ablated
