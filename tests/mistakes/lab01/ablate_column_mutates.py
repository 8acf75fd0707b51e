"""ablate_column writing -inf into the caller's W and returning it (no copy)."""

import numpy as np

from mindlab_core.tokens import index


def ablate_column(W, letter):
    W[:, index(letter)] = -np.inf
    return W
