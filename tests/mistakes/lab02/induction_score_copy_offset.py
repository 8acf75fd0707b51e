"""induction_score reads the earlier copy itself (offset -half_len), not the token after it."""

import numpy as np


def induction_score(patterns, half_len):
    patterns = np.asarray(patterns, dtype=float)
    if patterns.shape[-1] != 2 * half_len + 1:
        raise ValueError("T must be 2 * half_len + 1")
    stripe = np.diagonal(patterns, offset=-half_len, axis1=-2, axis2=-1)
    return stripe[..., -half_len:].mean(axis=-1)
