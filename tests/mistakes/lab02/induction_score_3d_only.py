"""induction_score that handles one (T, T) pattern and an (L, H, T, T) stack but reads the
diagonal of fixed axes 2 and 3, so a 3-D (H, T, T) stack raises: patterns are (..., T, T)."""

import numpy as np


def induction_score(patterns, half_len):
    patterns = np.asarray(patterns, dtype=float)
    T = patterns.shape[-1]
    if T != 2 * half_len + 1:
        raise ValueError("a repeated sequence has T = 2 * half_len + 1 positions")
    if patterns.ndim == 2:  # one head: as a (1, 1, T, T) stack
        return float(induction_score(patterns[None, None], half_len)[0, 0])
    stripe = np.diagonal(patterns, offset=1 - half_len, axis1=2, axis2=3)
    return stripe[..., -half_len:].mean(axis=-1)
