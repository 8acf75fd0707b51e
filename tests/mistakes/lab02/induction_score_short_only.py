"""induction_score rejecting only patterns too short for half_len: a longer T is accepted."""

import numpy as np


def induction_score(patterns, half_len):
    patterns = np.asarray(patterns, dtype=float)
    if patterns.shape[-1] < 2 * half_len + 1:
        raise ValueError("patterns too short for half_len")
    stripe = np.diagonal(patterns, offset=1 - half_len, axis1=-2, axis2=-1)
    return stripe[..., -half_len:].mean(axis=-1)
