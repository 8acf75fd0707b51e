"""prev_token_score divides by T instead of by the T - 1 entries of its diagonal."""

import numpy as np


def prev_token_score(patterns):
    patterns = np.asarray(patterns)
    return np.diagonal(patterns, offset=-1, axis1=-2, axis2=-1).sum(axis=-1) / patterns.shape[-1]
