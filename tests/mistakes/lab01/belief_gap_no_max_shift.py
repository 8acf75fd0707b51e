"""belief_gap writes its own softmax without the max-shift: a row with a logit of 1e4
gives inf / inf = nan, and a gap of nan (found from outside)."""

import numpy as np

from mindlab_core.tokens import index


def belief_gap(W, counts, letter):
    i = index(letter)
    p = np.exp(W[i]) / np.exp(W[i]).sum()
    q = counts[i] / counts[i].sum()
    return float(0.5 * np.abs(p - q).sum())
