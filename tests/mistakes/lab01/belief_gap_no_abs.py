"""belief_gap forgetting the absolute value: the signed differences cancel to 0."""

import numpy as np

from mindlab_core.tokens import index


def belief_gap(W, counts, letter):
    i = index(letter)
    row = np.asarray(W, dtype=float)[i]
    belief = np.exp(row - row.max())
    belief = belief / belief.sum()
    data = np.asarray(counts, dtype=float)[i]
    data = data / data.sum()
    return float(0.5 * (belief - data).sum())
